package io.streamrec.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deploying a model bundle into a running job: valid bundles are swapped in, broken ones refused. */
class ModelReloaderTest {

    @TempDir
    Path dir;
    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeEach
    void copyDefaultBundle() throws Exception {
        Path source = Path.of(System.getProperty("streamrec.repo.root", ".."), "model-export", "bundles", "default");
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    private void setVersion(String version) throws Exception {
        Path manifest = dir.resolve("manifest.json");
        ObjectNode m = (ObjectNode) mapper.readTree(manifest.toFile());
        m.put("model_version", version);
        mapper.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);
    }

    private void corruptEmbeddings() throws Exception {
        Path emb = dir.resolve("item_embeddings.f32");
        byte[] b = Files.readAllBytes(emb);
        b[10] ^= 0x5a;
        Files.write(emb, b);
    }

    @Test
    void deploysAValidNewBundleOnce() throws Exception {
        ModelReloader<ModelBundle> reloader =
                ModelReloader.ofBundles(dir.toString(), ModelReloader.fingerprint(dir.toString()));
        reloader.check();
        assertNull(reloader.poll(), "nothing changed");
        setVersion("v-next");
        reloader.check();
        ModelBundle next = reloader.poll();
        assertNotNull(next);
        assertEquals("v-next", next.modelVersion());
        reloader.check();
        assertNull(reloader.poll(), "the same bundle is not deployed twice");
        assertEquals(0, reloader.failures());
    }

    @Test
    void retriesABundleRefusedWhileItWasHalfCopied() throws Exception {
        ModelReloader<ModelBundle> reloader =
                ModelReloader.ofBundles(dir.toString(), ModelReloader.fingerprint(dir.toString()));
        Path ranker = dir.resolve("ranker.onnx");
        byte[] whole = Files.readAllBytes(ranker);
        setVersion("v-copied"); // a file-by-file copy: the manifest first, the ranker half written
        Files.write(ranker, java.util.Arrays.copyOf(whole, whole.length / 2));
        reloader.check();
        assertNull(reloader.poll(), "a half-written bundle is refused");
        assertEquals(1, reloader.failures());
        Files.write(ranker, whole); // the copy finishes; the manifest is unchanged
        Files.setLastModifiedTime(ranker, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(ranker).toMillis() + 2_000)); // coarse file-system clocks
        reloader.check();
        ModelBundle next = reloader.poll();
        assertNotNull(next, "the finished copy is loaded without a new manifest");
        assertEquals("v-copied", next.modelVersion());
    }

    @Test
    void refusesABrokenBundleNamingTheFailedCheck() throws Exception {
        ModelReloader<ModelBundle> reloader =
                ModelReloader.ofBundles(dir.toString(), ModelReloader.fingerprint(dir.toString()));
        corruptEmbeddings();
        setVersion("v-broken");
        reloader.check();
        assertNull(reloader.poll());
        assertEquals(1, reloader.failures());
        assertTrue(reloader.lastError().contains("item_embeddings.f32"), reloader.lastError());
        assertTrue(reloader.lastError().contains("keeps serving"), reloader.lastError());
        reloader.check();
        assertEquals(1, reloader.failures(), "an unchanged broken bundle is not retried");
    }

    @Test
    void preparesOffTheCallerAndKeepsTheOldModelWhenPreparationFails() throws Exception {
        List<String> prepared = new ArrayList<>();
        List<String> discarded = new ArrayList<>();
        ModelReloader<String> reloader = new ModelReloader<>(dir.toString(),
                ModelReloader.fingerprint(dir.toString()), served -> {
                    io.streamrec.model.ModelBundle b = served.get(0).bundle();
                    if (b.modelVersion().startsWith("bad")) {
                        throw new IllegalStateException("no session for " + b.modelVersion());
                    }
                    prepared.add(b.modelVersion());
                    return "ready:" + b.modelVersion();
                }, discarded::add);
        setVersion("bad-1");
        reloader.check();
        assertNull(reloader.poll(), "a bundle that cannot be prepared is not handed over");
        assertEquals(1, reloader.failures());
        assertTrue(reloader.lastError().contains("no session for bad-1"), reloader.lastError());
        assertTrue(reloader.lastError().contains("keeps serving"), reloader.lastError());

        setVersion("v2");
        reloader.check();
        setVersion("v3");
        reloader.check();
        assertEquals(List.of("ready:v2"), discarded, "a prepared model replaced before anyone took it is released");
        assertEquals("ready:v3", reloader.poll());
        assertEquals(List.of("v2", "v3"), prepared);
        setVersion("v4");
        reloader.check();
        reloader.close();
        assertEquals(List.of("ready:v2", "ready:v4"), discarded, "close releases what was never taken");
    }

    @Test
    void runningJobSwapsToANewBundleAndKeepsServingWhenTheNextOneIsBroken() throws Exception {
        JobSettings settings = new JobSettings();
        settings.modelPath = dir.toString();
        settings.modelReloadIntervalMs = 50;
        RecommendFunction function = new RecommendFunction(settings);
        try (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h =
                     new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                             UserEvent::getUserId, Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            String original = function.bundle().modelVersion();
            String item = function.bundle().items().idOf(1);
            int n = 0;
            h.processElement(new StreamRecord<>(new UserEvent("e" + n, "u1", item, EventType.VIEW, 1000L + n++)));

            setVersion("v-hot");
            String version = original;
            for (int tries = 0; tries < 200 && !version.equals("v-hot"); tries++) {
                Thread.sleep(50);
                h.processElement(new StreamRecord<>(
                        new UserEvent("e" + n, "u1", item, EventType.VIEW, 1000L + n++)));
                List<ScoredList> out = h.extractOutputValues();
                version = out.get(out.size() - 1).modelVersion;
            }
            assertEquals("v-hot", version, "the new bundle serves without a restart");

            corruptEmbeddings();
            setVersion("v-broken");
            Thread.sleep(1500);
            h.processElement(new StreamRecord<>(new UserEvent("e" + n, "u1", item, EventType.VIEW, 1000L + n++)));
            List<ScoredList> out = h.extractOutputValues();
            ScoredList last = out.get(out.size() - 1);
            assertEquals("v-hot", last.modelVersion, "a broken bundle is refused; the old model keeps serving");
            assertEquals(n, last.seq, "no event was lost across the swaps");
        }
    }

    @Test
    void retriesAPlanWrittenBeforeItsVersionFinishedUploading() throws Exception {
        Path storeDir = dir.resolveSibling(dir.getFileName() + "-store");
        io.streamrec.store.ModelStore store = new io.streamrec.store.ModelStore(storeDir.toString());
        setVersion("v1");
        store.upload(dir, "v1");
        store.writePlan(plan("v1"));
        ModelReloader<ModelBundle> reloader =
                ModelReloader.ofBundles(storeDir.toString(), ModelReloader.fingerprint(storeDir.toString()));
        store.writePlan(plan("v2")); // the pointer first, by hand: v2 is not there yet
        reloader.check();
        assertNull(reloader.poll());
        assertEquals(1, reloader.failures(), reloader.lastError());
        assertTrue(reloader.lastError().contains("versions/v2"), reloader.lastError());
        setVersion("v2");
        store.upload(dir, "v2");
        reloader.check();
        ModelBundle next = reloader.poll();
        assertNotNull(next, "retried once the version's manifest arrived: " + reloader.lastError());
        assertEquals("v2", next.modelVersion());
    }

    private static io.streamrec.store.ServingPlan plan(String version) {
        return new io.streamrec.store.ServingPlan(
                List.of(new io.streamrec.store.Variant("a", version, 100)), "t", "test", List.of());
    }
}
