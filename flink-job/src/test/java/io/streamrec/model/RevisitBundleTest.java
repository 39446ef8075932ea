package io.streamrec.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.ranking.RevisitScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest's optional {@code revisit} object and golden.json's {@code revisit_cases}. */
class RevisitBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FEATURES = List.of("log_rank", "rank_0", "log_count", "log_minutes",
            "seen_add_to_cart", "seen_purchase");
    private static final double[] WEIGHTS = {-0.4, -1.5, 0.8, -0.3, 1.2, -2.0};

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ manifest

    /** The shipped manifest with {@code revisit} set to the JSON text (null removes it), parsed. */
    private static BundleManifest manifestWith(String revisitJson) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(Files.readAllBytes(ShippedBundle.directory()
                .resolve("manifest.json")));
        m.remove("revisit");
        String text = JSON.writeValueAsString(m);
        if (revisitJson != null) {
            text = text.substring(0, text.lastIndexOf('}')) + ", \"revisit\": " + revisitJson + "}";
        }
        return BundleManifest.parse(text.getBytes(StandardCharsets.UTF_8), "test manifest");
    }

    private static String refusal(String revisitJson) {
        return assertThrows(BundleException.class, () -> manifestWith(revisitJson)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void parsesTheRevisitFeaturesAndWeightsInOrder() throws Exception {
        BundleManifest m = manifestWith("{\"features\": [\"seen_search\", \"log_rank\", \"inv_rank\"], "
                + "\"weights\": [0.5, -1, 2.25]}");
        assertTrue(m.hasRevisit());
        assertEquals(List.of("seen_search", "log_rank", "inv_rank"), m.revisitFeatures());
        assertArrayEquals(new double[] {0.5, -1, 2.25}, m.revisitWeights());
    }

    @Test
    void aManifestWithoutRevisitHasNoScorer() throws Exception {
        BundleManifest m = manifestWith(null);
        assertFalse(m.hasRevisit());
        assertEquals(List.of(), m.revisitFeatures());
        assertFalse(manifestWith("null").hasRevisit(), "null reads as absent");
    }

    @Test
    void refusesAnUnknownRevisitFeatureName() {
        assertMentions(refusal("{\"features\": [\"log_rank\", \"seen_wishlist\"], \"weights\": [1, 2]}"),
                "revisit.features", "unknown feature name 'seen_wishlist'");
        assertMentions(refusal("{\"features\": [\"hist_count\"], \"weights\": [1]}"), "revisit.features",
                "'hist_count'");
    }

    @Test
    void refusesADuplicatedRevisitFeatureName() {
        assertMentions(refusal("{\"features\": [\"log_rank\", \"inv_rank\", \"log_rank\"], \"weights\": [1, 2, 3]}"),
                "revisit.features", "'log_rank' twice");
    }

    @Test
    void refusesRevisitWeightsOfWrongLength() {
        assertMentions(refusal("{\"features\": [\"log_rank\", \"inv_rank\"], \"weights\": [1]}"),
                "revisit.weights has 1 weights", "names 2 features");
        assertMentions(refusal("{\"features\": [\"log_rank\"]}"), "revisit.weights must be a list");
    }

    @Test
    void refusesNonFiniteRevisitWeights() {
        // NaN and Infinity are what Python's json writes for non-finite floats; 1e400 overflows a double
        for (String w : new String[] {"NaN", "Infinity", "-Infinity", "1e400"}) {
            assertMentions(refusal("{\"features\": [\"log_rank\", \"inv_rank\"], \"weights\": [1, " + w + "]}"),
                    "revisit.weights[1] is not finite");
        }
        assertMentions(refusal("{\"features\": [\"log_rank\"], \"weights\": [\"1\"]}"),
                "revisit.weights[0] is not a number");
    }

    @Test
    void refusesARevisitThatIsNotAnObject() {
        assertMentions(refusal("[\"log_rank\"]"), "manifest.json revisit must be an object");
        assertMentions(refusal("{\"weights\": [1]}"), "revisit.features must be a list");
    }

    // ------------------------------------------------------------------ golden replay

    private Path bundle() throws Exception {
        return RevisitTestBundle.write(tmp.resolve("bundle"), "revisit-test", FEATURES, WEIGHTS);
    }

    private static String loadRefusal(Path dir) {
        BundleException e = assertThrows(BundleException.class, () -> BundleLoader.load(dir.toString()));
        assertMentions(e.getMessage(), dir.toString());
        return e.getMessage();
    }

    private static void editCase(Path dir, Consumer<ObjectNode> edit) throws Exception {
        RevisitTestBundle.editGolden(dir, g -> edit.accept((ObjectNode) g.get("revisit_cases").get(0)));
    }

    @Test
    void replaysGoldenRevisitCasesAndBuildsTheScorer() throws Exception {
        ModelBundle b = BundleLoader.load(bundle().toString());
        assertTrue(b.manifest().hasRevisit());
        RevisitScorer s = RevisitScorer.forBundle(b);
        assertNotNull(s);
        assertEquals(FEATURES, s.features());
        assertEquals(b.manifest().seqLen(), s.seqLen());
        assertTrue(s != RevisitScorer.forBundle(b), "one scorer per caller: it holds per-event buffers");
    }

    @Test
    void aBundleWithoutRevisitNeedsNoRevisitCasesAndHasNoScorer() throws Exception {
        Path dir = RevisitTestBundle.write(tmp.resolve("plain"), "plain", null, null);
        ModelBundle b = BundleLoader.load(dir.toString());
        assertNull(RevisitScorer.forBundle(b));
        // cases without the manifest object are not replayed
        RevisitTestBundle.editGolden(dir, g -> g.putArray("revisit_cases").add(JSON.createObjectNode()));
        BundleLoader.load(dir.toString());
    }

    @Test
    void refusesARevisitBundleWithoutOrWithEmptyRevisitCases() throws Exception {
        Path dir = bundle();
        RevisitTestBundle.editGolden(dir, g -> g.remove("revisit_cases"));
        assertMentions(loadRefusal(dir), "golden.json has no list 'revisit_cases'", "the manifest has 'revisit'");
        RevisitTestBundle.editGolden(dir, g -> g.putArray("revisit_cases"));
        assertMentions(loadRefusal(dir), "golden.json revisit_cases is empty");
    }

    @Test
    void refusesAGoldenRevisitFeatureBeyondTolerance() throws Exception {
        Path dir = bundle();
        editCase(dir, c -> {
            ArrayNode row = (ArrayNode) c.get("features").get(2);
            row.set(3, JSON.getNodeFactory().numberNode(row.get(3).asDouble() + 1e-3));
        });
        assertMentions(loadRefusal(dir), "golden.json revisit_cases[0].features[2][3] (log_minutes)", "> tolerance");
    }

    @Test
    void acceptsAGoldenRevisitScoreWithinToleranceAndRefusesOneBeyond() throws Exception {
        Path dir = bundle();
        shiftScore(dir, 1, 2e-5);
        BundleLoader.load(dir.toString());
        shiftScore(dir, 1, 1e-3);
        assertMentions(loadRefusal(dir), "revisit_cases[0].scores[1]", "> tolerance");
    }

    /** Adds {@code delta} to the first golden re-visit case's score {@code at}. */
    private static void shiftScore(Path dir, int at, double delta) throws Exception {
        editCase(dir, c -> {
            ArrayNode s = (ArrayNode) c.get("scores");
            s.set(at, JSON.getNodeFactory().numberNode(s.get(at).asDouble() + delta));
        });
    }

    @Test
    void refusesGoldenRevisitItemsInAnotherOrder() throws Exception {
        Path dir = bundle();
        editCase(dir, c -> {
            ArrayNode items = (ArrayNode) c.get("items");
            items.set(1, JSON.getNodeFactory().textNode("i3"));
            items.set(2, JSON.getNodeFactory().textNode("i2"));
        });
        assertMentions(loadRefusal(dir), "revisit_cases[0].items[1]: expected \"i3\", Java gives 'i2'");
        editCase(dir, c -> ((ArrayNode) c.get("items")).remove(2));
        assertMentions(loadRefusal(dir), "revisit_cases[0].items has 2 items", "3 distinct items");
    }

    @Test
    void refusesAGoldenRevisitCaseWithoutTypesOrWithAShortRow() throws Exception {
        Path dir = bundle();
        editCase(dir, c -> c.remove("history_types"));
        assertMentions(loadRefusal(dir), "revisit_cases[0] needs 'history_types'");
        dir = RevisitTestBundle.write(tmp.resolve("bundle"), "revisit-test", FEATURES, WEIGHTS);
        editCase(dir, c -> ((ArrayNode) c.get("features").get(0)).remove(0));
        assertMentions(loadRefusal(dir), "revisit_cases[0].features[0] has 5 values, revisit.features has 6");
    }

    @Test
    void refusesAManifestRevisitWithAnUnknownNameWhenLoadingTheBundle() throws Exception {
        Path dir = bundle();
        RevisitTestBundle.editManifest(dir, m -> ((ArrayNode) m.get("revisit").get("features")).set(0, "log_age"));
        assertMentions(loadRefusal(dir), "manifest.json revisit.features has unknown feature name 'log_age'");
    }
}
