package io.streamrec.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.ranking.BundleLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copies the shipped bundle, corrupts it one way at a time and checks {@link BundleLoader#load} refuses it clearly. */
class BundleValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path copy() throws IOException {
        Path src = ShippedBundle.directory();
        Path dst = tmp.resolve("bundle");
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    private static void editManifest(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        edit.accept(m);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), m);
    }

    /** Rewrites the file's sha256 in the manifest, so only the intended check can fail. */
    private static void rehash(Path dir, String file) throws IOException {
        String sha = ModelBundle.sha256(Files.readAllBytes(dir.resolve(file)));
        editManifest(dir, m -> ((ObjectNode) m.get("files")).put(file, sha));
    }

    private static String refusal(Path dir) {
        BundleException e = assertThrows(BundleException.class, () -> BundleLoader.load(dir.toString()));
        assertTrue(e.getMessage().contains(dir.toString()), "message names the bundle: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void acceptsAnUnmodifiedCopyFromADirectory() throws Exception {
        Path dir = copy();
        ModelBundle b = BundleLoader.load(dir.toString());
        assertEquals(dir.toString(), b.location());
        assertEquals(ShippedBundle.load().modelVersion(), b.modelVersion());
    }

    @Test
    void acceptsTheSameBundleAsAZipAtRootOrInOneFolder() throws Exception {
        Path dir = copy();
        for (String prefix : new String[]{"", "default/"}) {
            Path zip = tmp.resolve("b" + prefix.length() + ".zip");
            try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
                 Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    z.putNextEntry(new ZipEntry(prefix + f.getFileName()));
                    z.write(Files.readAllBytes(f));
                    z.closeEntry();
                }
            }
            assertEquals(ShippedBundle.load().modelVersion(), BundleLoader.load(zip.toString()).modelVersion());
        }
    }

    @Test
    void refusesBundleWithWrongHash() throws Exception {
        Path dir = copy();
        byte[] pop = Files.readAllBytes(dir.resolve("popular.json"));
        Files.write(dir.resolve("popular.json"), new String(pop, StandardCharsets.UTF_8).replace("]]}", "] ]}")
                .getBytes(StandardCharsets.UTF_8));
        assertMentions(refusal(dir), "sha256 mismatch", "popular.json");
    }

    @Test
    void refusesBundleWithTruncatedEmbeddings() throws Exception {
        Path dir = copy();
        byte[] emb = Files.readAllBytes(dir.resolve("item_embeddings.f32"));
        Files.write(dir.resolve("item_embeddings.f32"), Arrays.copyOf(emb, emb.length - 4));
        rehash(dir, "item_embeddings.f32");
        assertMentions(refusal(dir), "item_embeddings.f32 has " + (emb.length - 4) + " bytes, expected " + emb.length,
                "num_items=", "embedding_dim=");
    }

    @Test
    void refusesBundleWithMissingFile() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve("covisit.json"));
        assertMentions(refusal(dir), "covisit.json", "missing");
    }

    @Test
    void refusesBundleWhoseManifestDoesNotListARequiredFile() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> ((ObjectNode) m.get("files")).remove("golden.json"));
        assertMentions(refusal(dir), "does not list required file golden.json");
    }

    @Test
    void refusesBundleNamingOnlineCovisitWithoutTheManifestObject() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> ((ArrayNode) m.get("candidate_features")).add("online_covisit"));
        assertMentions(refusal(dir), "candidate_features names 'online_covisit'", "no key 'online_covisit'");
    }

    @Test
    void refusesBundleWithAMalformedOnlineCovisitObject() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> m.putObject("online_covisit").put("items", 3).put("pair_window", 0)
                .put("max_gap_s", 86400));
        assertMentions(refusal(dir), "online_covisit.pair_window must be a positive integer");
        editManifest(dir, m -> ((ObjectNode) m.get("online_covisit")).put("pair_window", 5).put("max_gap_s", -1));
        assertMentions(refusal(dir), "online_covisit.max_gap_s");
    }

    @Test
    void acceptsTheDefaultBundleWithAnOnlineCovisitObjectItDoesNotUseAsFeature() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> m.putObject("online_covisit").put("items", 4).put("pair_window", 6)
                .put("max_gap_s", 3600));
        BundleManifest m = BundleLoader.load(dir.toString()).manifest();
        assertTrue(m.hasOnlineCovisit());
        assertEquals(4, m.onlineCovisitItems());
        assertEquals(6, m.onlineCovisitPairWindow());
        assertEquals(3600, m.onlineCovisitMaxGapS());
        BundleManifest shipped = ShippedBundle.load().manifest();
        assertEquals(false, shipped.hasOnlineCovisit());
        assertEquals(3, shipped.onlineCovisitItems());
        assertEquals(5, shipped.onlineCovisitPairWindow());
        assertEquals(86400, shipped.onlineCovisitMaxGapS());
    }

    /** Rewrites golden.json's candidate_feature_cases (and its hash) with {@code edit}. */
    private static void editCandidateCases(Path dir, Consumer<ArrayNode> edit) throws IOException {
        ObjectNode g = (ObjectNode) JSON.readTree(dir.resolve("golden.json").toFile());
        edit.accept((ArrayNode) g.get("candidate_feature_cases"));
        JSON.writeValue(dir.resolve("golden.json").toFile(), g);
        rehash(dir, "golden.json");
    }

    @Test
    void replaysGoldenHistFeatureCasesWithTypesAndTimes() throws Exception {
        Path dir = copy();
        long trigger = 1_700_000_000_000L;
        editManifest(dir, m -> m.putArray("candidate_features").add("hist_age"));
        editCandidateCases(dir, cases -> {
            for (var c : cases) {
                ObjectNode cs = (ObjectNode) c;
                ArrayNode hist = (ArrayNode) cs.get("history");
                ArrayNode cands = (ArrayNode) cs.get("candidates");
                cands.set(0, hist.get(3)); // a candidate seen 3 events back
                ArrayNode types = cs.putArray("history_types");
                ArrayNode ts = cs.putArray("history_ts");
                for (int p = 0; p < hist.size(); p++) {
                    types.add("view");
                    ts.add(trigger - p * 1_800_000L);
                }
                cs.put("trigger_ts", trigger);
                ArrayNode exp = cs.putArray("expected");
                for (int k = 0; k < cands.size(); k++) {
                    int first = -1;
                    for (int p = 0; p < hist.size() && first < 0; p++) {
                        first = hist.get(p).asText().equals(cands.get(k).asText()) ? p : -1;
                    }
                    exp.addArray().add(first < 0 ? 0.0 : Math.log1p(first * 0.5));
                }
            }
        });
        BundleLoader.load(dir.toString());

        editCandidateCases(dir, cases -> ((ArrayNode) cases.get(0).get("expected").get(0)).set(0, 0.25));
        assertMentions(refusal(dir), "candidate_feature_cases[0].expected[0][0] (hist_age)");
        editCandidateCases(dir, cases -> ((ObjectNode) cases.get(0)).remove("history_ts"));
        assertMentions(refusal(dir), "candidate_feature_cases[0] needs 'history_ts'");
    }

    @Test
    void replaysGoldenOnlineCovisitCasesFromTheGivenTable() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> {
            m.putArray("candidate_features").add("online_covisit");
            m.putObject("online_covisit").put("items", 2).put("pair_window", 5).put("max_gap_s", 86400);
        });
        editCandidateCases(dir, cases -> {
            for (var c : cases) {
                ObjectNode cs = (ObjectNode) c;
                ArrayNode hist = (ArrayNode) cs.get("history");
                String d0 = hist.get(0).asText();
                String d1 = null;
                for (int p = 1; p < hist.size() && d1 == null; p++) {
                    d1 = hist.get(p).asText().equals(d0) ? null : hist.get(p).asText();
                }
                ArrayNode cands = (ArrayNode) cs.get("candidates");
                cands.set(1, JSON.getNodeFactory().textNode("never-in-training"));
                ObjectNode table = cs.putObject("online_covisit");
                table.putArray(d0).add(JSON.createArrayNode().add(cands.get(0).asText()).add(3.0));
                table.putArray(d1).add(JSON.createArrayNode().add(cands.get(0).asText()).add(2.0))
                        .add(JSON.createArrayNode().add("never-in-training").add(1.0));
                table.putArray("not-in-history").add(JSON.createArrayNode().add(cands.get(2).asText()).add(9.0));
                ArrayNode exp = cs.putArray("expected");
                for (int k = 0; k < cands.size(); k++) {
                    exp.addArray().add(k == 0 ? Math.log1p(3 + 2 / 2.0) : k == 1 ? Math.log1p(0.5) : 0.0);
                }
            }
        });
        BundleLoader.load(dir.toString());

        editCandidateCases(dir, cases -> ((ObjectNode) cases.get(2)).remove("online_covisit"));
        assertMentions(refusal(dir), "candidate_feature_cases[2] needs an 'online_covisit' object");
    }

    @Test
    void refusesBundleWithWrongFormatVersion() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> m.put("format_version", 2));
        assertMentions(refusal(dir), "format_version is 2");
    }

    @Test
    void refusesBundleWithUnknownContextFeatureName() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> ((ArrayNode) m.get("context_features")).set(0, "moon_phase"));
        assertMentions(refusal(dir), "context_features", "unknown feature name 'moon_phase'");
    }

    @Test
    void refusesBundleWithUnknownCandidateFeatureName() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> ((ArrayNode) m.get("candidate_features")).set(0, "price_rank"));
        assertMentions(refusal(dir), "candidate_features", "unknown feature name 'price_rank'");
    }

    @Test
    void refusesBundleWhoseManifestInputNameDoesNotMatchTheOnnxModel() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> {
            for (var t : m.get("inputs")) {
                if (t.get("name").asText().equals("hist_ages")) {
                    ((ObjectNode) t).put("name", "hist_age_seconds");
                }
            }
        });
        assertMentions(refusal(dir), "ranker.onnx inputs are", "hist_ages", "hist_age_seconds");
    }

    @Test
    void refusesBundleWhoseManifestDtypeDoesNotMatchTheOnnxModel() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> {
            for (var t : m.get("inputs")) {
                if (t.get("name").asText().equals("cand_items")) {
                    ((ObjectNode) t).put("dtype", "int32");
                }
            }
        });
        assertMentions(refusal(dir), "'cand_items' has dtype int64 but manifest.json says int32");
    }

    /** A copy of the shipped bundle whose first golden ranker score differs by {@code delta}, hashes updated. */
    private Path copyWithAGoldenScoreMovedBy(double delta) throws Exception {
        Path dir = copy();
        ObjectNode g = (ObjectNode) JSON.readTree(dir.resolve("golden.json").toFile());
        ArrayNode row = (ArrayNode) g.get("ranker_cases").get(0).get("scores").get(0);
        row.set(0, JSON.getNodeFactory().numberNode(row.get(0).asDouble() + delta));
        JSON.writeValue(dir.resolve("golden.json").toFile(), g);
        rehash(dir, "golden.json");
        return dir;
    }

    @Test
    void refusesBundleWithAGoldenScoreChangedBeyondTolerance() throws Exception {
        Path dir = copyWithAGoldenScoreMovedBy(1e-3);
        assertMentions(refusal(dir), "golden.json ranker_cases[0] scores[0][0]", "> tolerance");
    }

    @Test
    void readChecksTheFilesButOnlyTheLoaderReplaysGolden() throws Exception {
        Path dir = copyWithAGoldenScoreMovedBy(1e-3);
        assertEquals(ShippedBundle.load().modelVersion(), ModelBundle.read(dir.toString()).modelVersion(),
                "read: files, hashes and parsing only");
        assertThrows(BundleException.class, () -> BundleLoader.load(dir.toString()), "load replays golden.json");
        Files.write(dir.resolve("golden.json"), new byte[] {'{'});
        assertMentions(assertThrows(BundleException.class, () -> ModelBundle.read(dir.toString())).getMessage(),
                "sha256 mismatch for golden.json");
    }

    @Test
    void acceptsAGoldenScoreChangedWithinTolerance() throws Exception {
        Path dir = copy();
        ObjectNode g = (ObjectNode) JSON.readTree(dir.resolve("golden.json").toFile());
        ArrayNode row = (ArrayNode) g.get("ranker_cases").get(0).get("scores").get(0);
        row.set(0, JSON.getNodeFactory().numberNode(row.get(0).asDouble() + 2e-5));
        JSON.writeValue(dir.resolve("golden.json").toFile(), g);
        rehash(dir, "golden.json");
        BundleLoader.load(dir.toString());
    }

    @Test
    void refusesBundleWithAGoldenInterestValueChanged() throws Exception {
        Path dir = copy();
        ObjectNode g = (ObjectNode) JSON.readTree(dir.resolve("golden.json").toFile());
        ArrayNode v = (ArrayNode) g.get("interest_cases").get(0).get("expected").get(0);
        v.set(3, JSON.getNodeFactory().numberNode(v.get(3).asDouble() + 0.01));
        JSON.writeValue(dir.resolve("golden.json").toFile(), g);
        rehash(dir, "golden.json");
        assertMentions(refusal(dir), "golden.json interest_cases[0].expected[0][3]");
    }

    @Test
    void refusesBundleWithDuplicateItemIds() throws Exception {
        Path dir = copy();
        String items = Files.readString(dir.resolve("items.txt"));
        String first = items.substring(0, items.indexOf('\n'));
        String second = items.substring(items.indexOf('\n') + 1, items.indexOf('\n', items.indexOf('\n') + 1));
        Files.writeString(dir.resolve("items.txt"), items.replaceFirst("\n" + second + "\n", "\n" + first + "\n"));
        rehash(dir, "items.txt");
        assertMentions(refusal(dir), "items.txt has duplicate id '" + first + "'");
    }

    @Test
    void refusesBundleWhoseItemCountDiffersFromNumItems() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> m.put("num_items", m.get("num_items").asInt() + 1));
        assertMentions(refusal(dir), "items.txt has", "expected num_items=");
    }

    @Test
    void refusesBundleWithAMissingEventTypeWeight() throws Exception {
        Path dir = copy();
        editManifest(dir, m -> ((ObjectNode) m.get("event_type_weights")).remove("search"));
        assertMentions(refusal(dir), "event_type_weights", "'search'");
    }

    @Test
    void refusesAMissingLocationAndAMissingClasspathBundle() {
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(tmp.resolve("nope").toString()));
        assertMentions(e.getMessage(), "no such directory or zip file");
        e = assertThrows(BundleException.class, () -> BundleLoader.load("classpath:no-such-bundle"));
        assertMentions(e.getMessage(), "streamrec/bundle/no-such-bundle/manifest.json");
    }
}
