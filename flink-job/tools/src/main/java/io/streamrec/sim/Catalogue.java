package io.streamrec.sim;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.catalog.ItemUpdateJson;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The store's items: ids {@code i00000..}, categories {@code c00..}, Zipf popularity over a random rank order, and
 * log-normal prices around a per-category median. Stock, price and deletion change as the world runs. Each item also
 * has a readable name ({@link ItemNames}) that the catalogue records carry for the storefront.
 */
public final class Catalogue {
    private static final String[] LABELS = {
        "shoes", "laptops", "books", "toys", "kitchen", "garden", "phones", "headphones", "cameras", "watches",
        "beauty", "sports", "outdoor", "games", "music", "pets", "baby", "furniture", "lighting", "tools",
        "grocery", "jewelry", "bags", "office", "coffee", "bikes", "tea", "cycling", "fitness", "crafts"
    };

    private final int size;
    private final int numCategories;
    private final String[] itemIds;
    private final String[] categoryIds;
    private final String[] categoryLabels;
    private final int[] categoryOf;
    private final double[] popularity; // normalised Zipf weights, sum 1
    private final int[] popularityRank; // 1 = most popular
    private final double[] categoryWeight; // how often the category is anyone's interest
    private final int[][] itemsByCategory;
    private final long[] priceCents;
    private final boolean[] inStock;
    private final boolean[] deleted;
    private final String[] names;

    Catalogue(SimConfig cfg) {
        this.size = cfg.items;
        this.numCategories = cfg.categories;
        SplittableRandom r = SimRandom.rng(cfg.seed, 1, 0);
        itemIds = new String[size];
        categoryIds = new String[numCategories];
        categoryLabels = new String[numCategories];
        for (int c = 0; c < numCategories; c++) {
            categoryIds[c] = String.format("c%02d", c);
            categoryLabels[c] = c < LABELS.length ? LABELS[c] : "misc" + c;
        }
        // Category sizes and interest weights: mildly Zipf over a shuffled order.
        int[] catOrder = permutation(numCategories, r);
        categoryWeight = new double[numCategories];
        double cwSum = 0;
        for (int i = 0; i < numCategories; i++) {
            categoryWeight[catOrder[i]] = 1.0 / Math.pow(i + 1, 0.6);
            cwSum += categoryWeight[catOrder[i]];
        }
        for (int c = 0; c < numCategories; c++) {
            categoryWeight[c] /= cwSum;
        }
        categoryOf = new int[size];
        for (int i = 0; i < size; i++) {
            itemIds[i] = String.format("i%05d", i);
            categoryOf[i] = i < numCategories ? i : SimRandom.sample(r, categoryWeight);
        }
        // Popularity: Zipf over a random rank permutation.
        int[] rankOrder = permutation(size, r);
        popularity = new double[size];
        popularityRank = new int[size];
        double pSum = 0;
        for (int rank = 0; rank < size; rank++) {
            int item = rankOrder[rank];
            popularityRank[item] = rank + 1;
            popularity[item] = 1.0 / Math.pow(rank + 1, cfg.zipfExponent);
            pSum += popularity[item];
        }
        for (int i = 0; i < size; i++) {
            popularity[i] /= pSum;
        }
        List<List<Integer>> byCat = new ArrayList<>();
        for (int c = 0; c < numCategories; c++) {
            byCat.add(new ArrayList<>());
        }
        for (int i = 0; i < size; i++) {
            byCat.get(categoryOf[i]).add(i);
        }
        itemsByCategory = new int[numCategories][];
        for (int c = 0; c < numCategories; c++) {
            itemsByCategory[c] = byCat.get(c).stream().mapToInt(Integer::intValue).toArray();
        }
        // Prices: a per-category median (log-normal around 40), then per item spread.
        double[] median = new double[numCategories];
        for (int c = 0; c < numCategories; c++) {
            median[c] = 40.0 * Math.exp(0.9 * SimRandom.gaussian(r));
        }
        priceCents = new long[size];
        inStock = new boolean[size];
        deleted = new boolean[size];
        for (int i = 0; i < size; i++) {
            double p = median[categoryOf[i]] * Math.exp(0.5 * SimRandom.gaussian(r));
            priceCents[i] = roundPrice(p);
            inStock[i] = true;
        }
        names = ItemNames.of(cfg.seed, size, i -> categoryLabels[categoryOf[i]]);
    }

    static long roundPrice(double p) {
        // Shop prices end in .99 (or .49 under 10).
        if (p < 10) {
            return Math.max(49, Math.round(Math.floor(p) * 100) + 49);
        }
        return Math.round(Math.floor(p) * 100) + 99;
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    public int size() { return size; }
    public int numCategories() { return numCategories; }
    public String itemId(int item) { return itemIds[item]; }
    public int categoryOf(int item) { return categoryOf[item]; }
    public String categoryId(int category) { return categoryIds[category]; }
    public String categoryLabel(int category) { return categoryLabels[category]; }
    public String categoryIdOfItem(int item) { return categoryIds[categoryOf[item]]; }
    /** A readable product name such as "Walnut Desk Lamp", unique in this catalogue. */
    public String name(int item) { return names[item]; }
    /** The readable label of the item's category, e.g. "lighting". */
    public String categoryLabelOfItem(int item) { return categoryLabels[categoryOf[item]]; }
    /** Normalised Zipf popularity weight (sums to 1 over the catalogue). */
    public double popularity(int item) { return popularity[item]; }
    /** 1 = most popular. */
    public int popularityRank(int item) { return popularityRank[item]; }
    public double categoryWeight(int category) { return categoryWeight[category]; }
    public int[] itemsInCategory(int category) { return itemsByCategory[category]; }
    public long priceCents(int item) { return priceCents[item]; }
    public boolean inStock(int item) { return inStock[item] && !deleted[item]; }
    public boolean deleted(int item) { return deleted[item]; }

    /** Parses {@code i00042} to 42, or -1 if it is not an item of this catalogue. */
    public int indexOf(String itemId) {
        if (itemId == null || itemId.length() < 2 || itemId.charAt(0) != 'i') {
            return -1;
        }
        try {
            int i = Integer.parseInt(itemId.substring(1));
            return i >= 0 && i < size && itemIds[i].equals(itemId) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    void setInStock(int item, boolean v) { inStock[item] = v; }
    void setDeleted(int item) { deleted[item] = true; }
    void setPriceCents(int item, long cents) { priceCents[item] = cents; }

    ItemUpdate snapshot(int item, long ts) {
        ItemUpdate u = new ItemUpdate(itemIds[item], inStock(item), deleted[item]);
        u.category = categoryIdOfItem(item);
        u.price = priceCents[item] / 100.0;
        u.ts = ts;
        return u;
    }

    /** The catalogue record of an update of this catalogue's item: its JSON with the readable names. */
    byte[] recordValue(ItemUpdate u) {
        int item = indexOf(u.itemId);
        return item < 0 ? ItemUpdateJson.toJsonBytes(u)
                : ItemUpdateJson.toJsonBytes(u, names[item], categoryLabelOfItem(item));
    }
}
