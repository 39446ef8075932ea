package io.streamrec.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Readable product names for the simulated catalogue, such as "Walnut Desk Lamp": a word of colour or material and a
 * product noun of the item's category, picked from a hash of the world seed and the item index. The storefront shows
 * them, so that a person can see which kind of thing was clicked and recommended; ids like {@code i01381} say
 * nothing. Deterministic and independent of every random stream the world draws from, so adding names changed no
 * event the simulator sends. A name that would repeat within the catalogue gets a model number ("… 2").
 */
final class ItemNames {
    private static final long NAME_STREAM = 11;

    private static final String[] WORDS = {
        "Walnut", "Oak", "Slate", "Amber", "Coral", "Ivory", "Indigo", "Copper", "Sage", "Crimson", "Cobalt", "Linen",
        "Granite", "Maple", "Olive", "Pearl", "Saffron", "Teal", "Onyx", "Birch", "Juniper", "Marble", "Velvet", "Cedar"
    };

    /** Product nouns by category label (the labels of {@link Catalogue}); a label not listed uses {@link #GOODS}. */
    private static final Map<String, String[]> NOUNS = Map.ofEntries(
            Map.entry("shoes", new String[] {"Running Shoe", "Loafer", "Ankle Boot", "Sneaker", "Sandal"}),
            Map.entry("laptops", new String[] {"Ultrabook", "Laptop", "Laptop Sleeve", "Notebook Pro"}),
            Map.entry("books", new String[] {"Novel", "Cookbook", "Field Guide", "Atlas", "Poetry Collection"}),
            Map.entry("toys", new String[] {"Building Set", "Plush Bear", "Puzzle Cube", "Toy Train", "Kite"}),
            Map.entry("kitchen", new String[] {"Chef Knife", "Frying Pan", "Mixing Bowl", "Teapot", "Cutting Board"}),
            Map.entry("garden", new String[] {"Planter", "Watering Can", "Garden Hose", "Pruning Shears"}),
            Map.entry("phones", new String[] {"Smartphone", "Phone Case", "Charging Dock", "Screen Guard"}),
            Map.entry("headphones", new String[] {"Headphones", "Earbuds", "Studio Monitor Headset"}),
            Map.entry("cameras", new String[] {"Mirrorless Camera", "Camera Lens", "Tripod", "Camera Bag"}),
            Map.entry("watches", new String[] {"Wristwatch", "Chronograph", "Watch Strap", "Smartwatch"}),
            Map.entry("beauty", new String[] {"Face Serum", "Lip Balm", "Hand Cream", "Perfume"}),
            Map.entry("sports", new String[] {"Football", "Tennis Racket", "Yoga Mat", "Water Bottle"}),
            Map.entry("outdoor", new String[] {"Tent", "Sleeping Bag", "Camp Lantern", "Hiking Pole"}),
            Map.entry("games", new String[] {"Board Game", "Card Game", "Game Controller", "Chess Set"}),
            Map.entry("music", new String[] {"Ukulele", "Vinyl Record", "Guitar Strap", "Harmonica"}),
            Map.entry("pets", new String[] {"Dog Bed", "Cat Tree", "Pet Bowl", "Leash"}),
            Map.entry("baby", new String[] {"Baby Blanket", "Rattle", "Bib", "Stroller Organizer"}),
            Map.entry("furniture", new String[] {"Armchair", "Bookshelf", "Side Table", "Desk"}),
            Map.entry("lighting", new String[] {"Desk Lamp", "Floor Lamp", "Pendant Light", "String Lights"}),
            Map.entry("tools", new String[] {"Cordless Drill", "Hammer", "Screwdriver Set", "Tape Measure"}),
            Map.entry("grocery", new String[] {"Olive Oil", "Granola", "Honey Jar", "Spice Set"}),
            Map.entry("jewelry", new String[] {"Necklace", "Ring", "Bracelet", "Earrings"}),
            Map.entry("bags", new String[] {"Backpack", "Tote Bag", "Duffel", "Messenger Bag"}),
            Map.entry("office", new String[] {"Notebook", "Fountain Pen", "Desk Organizer", "Stapler"}),
            Map.entry("coffee", new String[] {"Coffee Grinder", "French Press", "Espresso Cup", "Coffee Beans"}),
            Map.entry("bikes", new String[] {"City Bike", "Bike Lock", "Bike Light", "Saddle"}),
            Map.entry("tea", new String[] {"Green Tea", "Tea Infuser", "Matcha Set", "Tea Tin"}),
            Map.entry("cycling", new String[] {"Cycling Jersey", "Bike Helmet", "Cycling Gloves"}),
            Map.entry("fitness", new String[] {"Dumbbell", "Kettlebell", "Resistance Band", "Jump Rope"}),
            Map.entry("crafts", new String[] {"Sketchbook", "Paint Set", "Knitting Kit", "Glue Gun"}));
    private static final String[] GOODS = {"Gift Box", "Keepsake", "Bundle", "Starter Kit"};

    private ItemNames() {}

    /** One name per item of {@code catalogue}, indexed like it; unique within it. */
    static String[] of(long seed, int size, java.util.function.IntFunction<String> categoryLabelOfItem) {
        String[] names = new String[size];
        Map<String, Integer> used = new HashMap<>();
        for (int i = 0; i < size; i++) {
            long h = SimRandom.hash(seed, NAME_STREAM, i, 0);
            String[] nouns = NOUNS.getOrDefault(categoryLabelOfItem.apply(i), GOODS);
            String base = WORDS[(int) Math.floorMod(h, (long) WORDS.length)] + " "
                    + nouns[(int) Math.floorMod(h >>> 20, (long) nouns.length)];
            int n = used.merge(base, 1, Integer::sum);
            names[i] = n == 1 ? base : base + " " + n;
        }
        return names;
    }
}
