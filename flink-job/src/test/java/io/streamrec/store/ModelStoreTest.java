package io.streamrec.store;

import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model store on the local disk through Flink's file system: uploads are immutable and complete before they are
 * visible (manifest last), the pointer is replaced atomically, and a {@link BundleSource} over the store serves each
 * positive-weight variant with its own validated bundle, noticing only pointer changes.
 */
class ModelStoreTest {
    @TempDir
    Path tmp;

    private Path bundle(String version) throws IOException {
        return TestBundles.copy(tmp.resolve("src-" + version), version);
    }

    private ModelStore store() throws IOException {
        return new ModelStore(tmp.resolve("store").toString());
    }

    private static ServingPlan plan(Variant... variants) {
        return new ServingPlan(List.of(variants), "t", "test", List.of());
    }

    @Test
    void uploadWritesEveryFileAndTheManifestLast() throws IOException {
        ModelStore store = store();
        Path src = bundle("v1");
        List<String> order = new ArrayList<>();
        store.upload(src, "v1", order::add);
        List<String> expected;
        try (Stream<Path> s = Files.list(src)) {
            expected = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(expected.size(), order.size());
        assertTrue(order.containsAll(expected));
        assertEquals(ModelBundle.MANIFEST, order.get(order.size() - 1), "manifest last: " + order);
        for (String f : expected) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(src.resolve(f)),
                    Files.readAllBytes(tmp.resolve("store/versions/v1/" + f))), f);
        }
        assertTrue(store.hasVersion("v1"));
        assertFalse(store.hasVersion("v2"));
        assertEquals(List.of("v1"), store.versions());
    }

    @Test
    void anExistingVersionIsNeverOverwritten() throws IOException {
        ModelStore store = store();
        store.upload(bundle("v1"), "v1");
        String msg = assertThrows(IOException.class, () -> store.upload(bundle("v1b"), "v1")).getMessage();
        assertTrue(msg.contains("already has version v1"), msg);
        assertTrue(Files.readString(tmp.resolve("store/versions/v1/manifest.json")).contains("\"v1\""));
        assertThrows(IllegalArgumentException.class, () -> store.upload(bundle("v2"), "../v2"));
    }

    @Test
    void writePlanReplacesAtomicallyAndLeavesNoTempFile() throws Exception {
        ModelStore store = store();
        assertNull(store.readPlanBytes());
        assertTrue(assertThrows(IOException.class, store::readPlan).getMessage().contains("publish a bundle first"));
        store.writePlan(plan(new Variant("a", "v0", 100)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    store.readPlan(); // always the old plan or the new one, never none or half of one
                } catch (IOException e) {
                    bad.compareAndSet(null, e.toString());
                }
            }
        });
        reader.start();
        ServingPlan p = store.readPlan();
        for (int i = 1; i <= 200; i++) {
            p = p.then(List.of(new Variant("a", "v" + i, 100)), "t" + i, "n" + i);
            store.writePlan(p);
        }
        stop.set(true);
        reader.join();
        assertNull(bad.get(), bad.get());
        assertEquals("v200", store.readPlan().variants().get(0).version());
        try (Stream<Path> s = Files.list(tmp.resolve("store"))) {
            assertEquals(List.of("serving.json"), s.map(f -> f.getFileName().toString()).toList());
        }
        assertTrue(ModelStore.isStore(tmp.resolve("store").toString()));
        assertFalse(ModelStore.isStore(tmp.toString()));
    }

    @Test
    void aSourceOverTheStoreServesEachPositiveVariantAndFollowsOnlyThePointer() throws Exception {
        ModelStore store = store();
        store.upload(bundle("v1"), "v1");
        store.upload(bundle("v2"), "v2");
        store.writePlan(plan(new Variant("a", "v1", 70), new Variant("b", "v2", 30), new Variant("c", "v1", 0)));
        BundleSource source = new BundleSource(store.uri());
        List<BundleSource.Served> served = source.load();
        assertEquals(2, served.size(), "a zero-weight variant is not loaded");
        assertEquals("a", served.get(0).variant().name());
        assertEquals("v1", served.get(0).bundle().modelVersion());
        assertEquals("b", served.get(1).variant().name());
        assertEquals("v2", served.get(1).bundle().modelVersion());
        assertEquals(30, served.get(1).variant().weight());

        String fp = source.fingerprint();
        assertNotNull(fp);
        store.upload(bundle("v3"), "v3");
        assertEquals(fp, source.fingerprint(), "a new version alone changes nothing that serves");
        store.writePlan(store.readPlan().then(List.of(new Variant("a", "v3", 100)), "t2", "promote"));
        String fp2 = source.fingerprint();
        assertNotEquals(fp, fp2, "a pointer change is something new to load");
        assertEquals(fp2, source.fingerprint());
        assertEquals("v3", source.load().get(0).bundle().modelVersion());
    }

    @Test
    void aStoreWhosePointerIsBrieflyMissingIsStillLoadedAsAStore() throws Exception {
        ModelStore store = store();
        store.upload(bundle("v1"), "v1");
        store.writePlan(plan(new Variant("a", "v1", 100)));
        BundleSource source = new BundleSource(store.uri());
        assertNotNull(source.fingerprint());
        Path pointer = tmp.resolve("store/serving.json");
        byte[] bytes = Files.readAllBytes(pointer);
        Files.delete(pointer); // a rename that does not replace (HDFS) deletes the old pointer first
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(200);
                Files.write(pointer, bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        assertEquals("v1", source.load().get(0).bundle().modelVersion(), "not read as a plain bundle folder");
        writer.join();
    }

    @Test
    void aPlanNamingACorruptVersionIsRefusedNamingItsLocation() throws Exception {
        ModelStore store = store();
        store.upload(bundle("v1"), "v1");
        Path broken = bundle("v-bad");
        TestBundles.corrupt(broken);
        store.upload(broken, "v-bad");
        store.writePlan(plan(new Variant("a", "v1", 50), new Variant("b", "v-bad", 50)));
        BundleException e = assertThrows(BundleException.class, () -> new BundleSource(store.uri()).load());
        assertTrue(e.getMessage().contains(store.versionLocation("v-bad")), e.getMessage());
        assertTrue(e.getMessage().contains("item_embeddings.f32"), e.getMessage());

        store.writePlan(plan(new Variant("a", "v-missing", 100)));
        BundleException missing = assertThrows(BundleException.class, () -> new BundleSource(store.uri()).load());
        assertTrue(missing.getMessage().contains(store.versionLocation("v-missing")), missing.getMessage());
    }
}
