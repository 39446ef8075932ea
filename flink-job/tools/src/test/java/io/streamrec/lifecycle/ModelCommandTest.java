package io.streamrec.lifecycle;

import io.streamrec.cli.Args;
import io.streamrec.launcher.Main;
import io.streamrec.store.ModelStore;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.TestBundles;
import io.streamrec.store.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamrec model} on a local temp store: each action writes the serving.json it promises (weights summing to
 * 100, history for rollback), and refusals are one line with exit 1 and the store untouched.
 */
class ModelCommandTest {

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int bundles;

    private int run(String... args) throws Exception {
        out.reset();
        err.reset();
        return new ModelCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(args);
    }

    private String store() {
        return tmp.resolve("store").toString();
    }

    private ServingPlan plan() throws IOException {
        return ServingPlan.parse(Files.readAllBytes(tmp.resolve("store/serving.json")));
    }

    private String errLine() {
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one line: " + lines);
        return lines.get(0);
    }

    /** A copy of the repository's default bundle with its model_version set (the files' hashes stay valid). */
    private Path bundle(String version) throws IOException {
        return TestBundles.copy(tmp.resolve("bundle-" + version + "-" + (++bundles)), version);
    }

    @Test
    void publishPromoteWeightsAndRollback() throws Exception {
        assertEquals(0, run("publish", bundle("v1").toString(), "--store", store()));
        assertEquals(List.of(new Variant("a", "v1", 100)), plan().variants());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("now serves a=v1@100"), out.toString());

        assertEquals(0, run("publish", bundle("v2").toString(), "--store", store(), "--variant", "b", "--weight",
                "10"));
        assertEquals(List.of(new Variant("a", "v1", 90), new Variant("b", "v2", 10)), plan().variants());
        assertEquals(1, plan().previous().size());

        assertEquals(0, run("publish", bundle("v3").toString(), "--store", store(), "--variant", "c", "--weight",
                "25", "--note", "try c"));
        List<Variant> three = plan().variants();
        assertEquals(100, three.stream().mapToInt(Variant::weight).sum());
        assertEquals(new Variant("c", "v3", 25), three.get(2));
        assertEquals(68, three.get(0).weight(), "90:10 scaled to fill 75 -> 67.5:7.5, rounded to sum 100");
        assertEquals("try c", plan().note());

        assertEquals(0, run("weights", "--store", store(), "a=50", "b=30", "c=20"));
        assertEquals(List.of(50, 30, 20), plan().variants().stream().map(Variant::weight).toList());

        assertEquals(0, run("promote", "b", "--store", store()));
        assertEquals(List.of(new Variant("b", "v2", 100)), plan().variants());

        assertEquals(0, run("rollback", "--store", store()));
        assertEquals(List.of(50, 30, 20), plan().variants().stream().map(Variant::weight).toList());
        assertEquals(3, plan().previous().size(), "rollback pops the history");
        assertTrue(plan().note().startsWith("rollback to the plan of"), plan().note());
        assertEquals(0, run("rollback", "--store", store()));
        assertEquals(0, run("rollback", "--store", store()));
        assertEquals(0, run("rollback", "--store", store()));
        assertEquals(List.of(new Variant("a", "v1", 100)), plan().variants());
        assertEquals(1, run("rollback", "--store", store()));
        assertTrue(errLine().contains("no previous plan to roll back to"), errLine());
    }

    @Test
    void aPlainPublishUpgradesTheHeaviestVariantAndKeepsWeights() throws Exception {
        assertEquals(0, run("publish", bundle("v1").toString(), "--store", store()));
        assertEquals(0, run("publish", bundle("v2").toString(), "--store", store(), "--variant", "b", "--weight",
                "30"));
        assertEquals(0, run("publish", bundle("v3").toString(), "--store", store()));
        assertEquals(List.of(new Variant("a", "v3", 70), new Variant("b", "v2", 30)), plan().variants());
        assertEquals(0, run("publish", bundle("v4").toString(), "--store", store(), "--variant", "b"));
        assertEquals(List.of(new Variant("a", "v3", 70), new Variant("b", "v4", 30)), plan().variants());
        assertEquals(0, run("publish", bundle("v5").toString(), "--store", store(), "--version", "custom-5",
                "--no-plan"));
        assertTrue(new ModelStore(store()).hasVersion("custom-5"));
        assertEquals(List.of(new Variant("a", "v3", 70), new Variant("b", "v4", 30)), plan().variants());
    }

    @Test
    void aCorruptBundleIsRefusedInOneLineAndTheStoreIsUntouched() throws Exception {
        assertEquals(0, run("publish", bundle("v1").toString(), "--store", store()));
        byte[] before = Files.readAllBytes(tmp.resolve("store/serving.json"));
        Path bad = bundle("v2");
        Path emb = bad.resolve("item_embeddings.f32");
        byte[] b = Files.readAllBytes(emb);
        b[10] ^= 0x5a;
        Files.write(emb, b);
        assertEquals(1, run("publish", bad.toString(), "--store", store(), "--variant", "b", "--weight", "50"));
        String line = errLine();
        assertTrue(line.startsWith("streamrec model publish: refused "), line);
        assertTrue(line.contains("item_embeddings.f32"), line);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(tmp.resolve("store/serving.json"))));
        assertEquals(List.of("v1"), new ModelStore(store()).versions());
    }

    @Test
    void refusalsAreOneLineWithExitOne() throws Exception {
        assertEquals(0, run("publish", bundle("v1").toString(), "--store", store()));
        assertEquals(1, run("publish", bundle("v1").toString(), "--store", store()));
        assertTrue(errLine().contains("already has version v1"), errLine());
        assertEquals(1, run("publish", bundle("v2").toString(), "--store", store(), "--variant", "b"));
        assertTrue(errLine().contains("variant b is new: give its share with --weight"), errLine());
        assertFalse(new ModelStore(store()).hasVersion("v2"), "a refused plan uploads nothing");
        assertEquals(1, run("promote", "zz", "--store", store()));
        assertTrue(errLine().contains("no variant zz in the plan (a)"), errLine());
        assertEquals(1, run("weights", "--store", store(), "a=60"));
        assertTrue(errLine().contains("no other variant takes the rest"), errLine());
        assertEquals(1, run("status", "--store", tmp.resolve("empty").toString()));
        assertTrue(errLine().contains("publish a bundle first"), errLine());
        Files.writeString(tmp.resolve("store/serving.json"), "{\"variants\": [");
        assertEquals(1, run("status", "--store", store()));
        assertTrue(errLine().contains("serving.json is not valid JSON"), errLine());
    }

    @Test
    void badUsageIsExitTwoNamingTheOption() throws Exception {
        assertTrue(assertThrows(Args.UsageException.class, () -> run("publish", "x")).getMessage()
                .contains("--store URI is required"));
        assertTrue(assertThrows(Args.UsageException.class, () -> run("frob", "--store", store())).getMessage()
                .contains("unknown action 'frob'"));
        assertTrue(assertThrows(Args.UsageException.class, () -> run("publish", bundle("v1").toString(),
                "--store", store(), "--weight", "150")).getMessage().contains("--weight"));
        assertTrue(assertThrows(Args.UsageException.class, () -> run("status", "--store", store(), "--conf",
                "novalue")).getMessage().contains("--conf needs KEY=VALUE"));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        assertEquals(2, new Main().run(new String[] {"model", "rollback"}, new PrintStream(o), new PrintStream(e)));
        assertTrue(e.toString().contains("streamrec model: option --store URI is required"), e.toString());
        assertEquals(0, new Main().run(new String[] {"model", "--help"}, new PrintStream(o), new PrintStream(e)));
        assertTrue(o.toString().contains("promote VARIANT"));
        assertTrue(new Main().overview().contains("  model "));
    }

    @Test
    void statusShowsWhatServes() throws Exception {
        assertEquals(0, run("publish", bundle("v1").toString(), "--store", store()));
        assertEquals(0, run("publish", bundle("v2").toString(), "--store", store(), "--variant", "b", "--weight",
                "50", "--conf", "fs.allowed-fallback-filesystems=", "-Dio.tmp.dirs=" + tmp));
        assertEquals(0, run("status", "--store", store()));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("publish v2 as b"), s);
        assertTrue(s.contains("history: 1 earlier plan(s); rollback restores a=v1@100"), s);
        assertTrue(s.matches("(?s).*\\n  b +v2 +50\\.0%.*"), s);
    }
}
