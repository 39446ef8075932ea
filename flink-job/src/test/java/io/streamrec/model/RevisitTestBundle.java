package io.streamrec.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Test bundles with a {@code revisit} scorer: the shipped default bundle copied to a directory, its manifest given a
 * {@code revisit} object (or none) and its golden.json one hand-worked {@code revisit_cases} entry, hashes kept right.
 */
public final class RevisitTestBundle {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every re-visit feature name of the contract, in its order: the columns of {@link #CASE_FEATURES}. */
    public static final List<String> ALL_FEATURES = List.of("log_rank", "inv_rank", "rank_0", "rank_1", "rank_2",
            "log_count", "log_minutes", "seen_view", "seen_click", "seen_add_to_cart", "seen_remove_from_cart",
            "seen_purchase", "seen_search", "log_after_trigger", "after_trigger_inv_rank", "log_before_trigger",
            "same_category", "same_category_inv_rank");

    public static final long T = 1_700_000_000_000L;
    private static final long MIN = 60_000L;
    /** The hand-worked case: four events, most recent first, ranked one minute after the last. */
    public static final String[] CASE_HISTORY = {"i1", "i2", "i1", "i3"};
    public static final String[] CASE_TYPES = {"view", "add_to_cart", "purchase", "click"};
    public static final long[] CASE_TS = {T, T - 3 * MIN, T - 10 * MIN, T - 60 * MIN};
    public static final String[] CASE_CATEGORIES = {"shoes", "hats", null, "shoes"};
    public static final long CASE_TRIGGER_TS = T + MIN;
    /** Its distinct items by r. */
    public static final String[] CASE_ITEMS = {"i1", "i2", "i3"};
    /**
     * Their features, worked out by hand from the contract: i1 (r 0) at p = 0, 2, last touched 1 min before the
     * trigger, viewed and purchased; i2 (r 1) at p = 1, 4 min, carted, right before the trigger (p 0) and right
     * after i1's earlier touch (p 2), in another category; i3 (r 2) at p = 3, 61 min, clicked, right before i1's
     * earlier touch, in the trigger's category.
     */
    public static final double[][] CASE_FEATURES = {
            {0.0, 1.0, 1, 0, 0, Math.log(3), Math.log(2), 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1},
            {Math.log(2), 0.5, 0, 1, 0, Math.log(2), Math.log(5), 0, 0, 1, 0, 0, 0, Math.log(2), 0.5, Math.log(2), 0,
                    0},
            {Math.log(3), 1.0 / 3, 0, 0, 1, Math.log(2), Math.log(62), 0, 1, 0, 0, 0, 0, 0, 0, Math.log(2), 1,
                    1.0 / 3},
    };

    private RevisitTestBundle() {
    }

    /** Copies the shipped default bundle into {@code dir} (created if needed; existing files are replaced). */
    public static Path copyDefault(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(ShippedBundle.directory())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /**
     * The default bundle in {@code dir} with model_version {@code version}, {@code revisit = {features, weights}} and
     * the hand-worked golden case for those features; {@code features == null} writes a bundle without
     * {@code revisit} (and without {@code revisit_cases}).
     */
    public static Path write(Path dir, String version, List<String> features, double[] weights) throws IOException {
        copyDefault(dir);
        editGolden(dir, g -> {
            g.remove("revisit_cases");
            if (features != null) {
                g.putArray("revisit_cases").add(handWorkedCase(features, weights));
            }
        });
        editManifest(dir, m -> {
            m.put("model_version", version);
            m.remove("revisit");
            if (features != null) {
                ObjectNode rv = m.putObject("revisit");
                features.forEach(rv.putArray("features")::add);
                ArrayNode w = rv.putArray("weights");
                for (double x : weights) {
                    w.add(x);
                }
            }
        });
        return dir;
    }

    /** The hand-worked case for a feature subset: its columns of {@link #CASE_FEATURES}, scores = Σ w·f. */
    public static ObjectNode handWorkedCase(List<String> features, double[] weights) {
        ObjectNode c = JSON.createObjectNode();
        ArrayNode h = c.putArray("history");
        ArrayNode types = c.putArray("history_types");
        ArrayNode ts = c.putArray("history_ts");
        ArrayNode cats = c.putArray("history_categories");
        for (int p = 0; p < CASE_HISTORY.length; p++) {
            h.add(CASE_HISTORY[p]);
            types.add(CASE_TYPES[p]);
            ts.add(CASE_TS[p]);
            cats.add(CASE_CATEGORIES[p]);
        }
        c.put("trigger_ts", CASE_TRIGGER_TS);
        ArrayNode items = c.putArray("items");
        ArrayNode feats = c.putArray("features");
        ArrayNode scores = c.putArray("scores");
        for (int r = 0; r < CASE_ITEMS.length; r++) {
            items.add(CASE_ITEMS[r]);
            ArrayNode row = feats.addArray();
            double score = 0;
            for (int f = 0; f < features.size(); f++) {
                double v = CASE_FEATURES[r][ALL_FEATURES.indexOf(features.get(f))];
                row.add(v);
                score += weights[f] * v;
            }
            scores.add(score);
        }
        return c;
    }

    public static void editManifest(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        edit.accept(m);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), m);
    }

    /** Rewrites golden.json with {@code edit} and its sha256 in the manifest. */
    public static void editGolden(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode g = (ObjectNode) JSON.readTree(dir.resolve("golden.json").toFile());
        edit.accept(g);
        JSON.writeValue(dir.resolve("golden.json").toFile(), g);
        String sha = ModelBundle.sha256(Files.readAllBytes(dir.resolve("golden.json")));
        editManifest(dir, m -> ((ObjectNode) m.get("files")).put("golden.json", sha));
    }
}
