package io.streamrec.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pointer file's format: what is written reads back the same, history is kept newest first and capped, and a
 * broken file is refused with a message that says what is wrong (a job must never serve a plan it half understood).
 */
class ServingPlanTest {

    private static ServingPlan parse(String json) throws IOException {
        return ServingPlan.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String json) {
        return assertThrows(IOException.class, () -> parse(json)).getMessage();
    }

    @Test
    void roundTripKeepsVariantsNoteAndHistory() throws IOException {
        ServingPlan first = new ServingPlan(List.of(new Variant("a", "v1", 100)), "t1", "publish v1", List.of());
        ServingPlan second = first.then(List.of(new Variant("a", "v1", 90), new Variant("b", "v2", 10)), "t2",
                "publish v2 as b at 10");
        ServingPlan back = ServingPlan.parse(second.toJson());
        assertEquals(second.variants(), back.variants());
        assertEquals("t2", back.updated());
        assertEquals("publish v2 as b at 10", back.note());
        assertEquals(1, back.previous().size());
        assertEquals(first.variants(), back.previous().get(0).variants());
        assertEquals("publish v1", back.previous().get(0).note());
        assertEquals(new Variant("b", "v2", 10), back.variant("b"));
        assertEquals(null, back.variant("c"));
        assertEquals("a=v1@90, b=v2@10", back.toString());
    }

    @Test
    void historyIsNewestFirstAndCapped() throws IOException {
        ServingPlan p = new ServingPlan(List.of(new Variant("a", "v0", 100)), "t0", "", List.of());
        for (int i = 1; i <= ServingPlan.HISTORY + 5; i++) {
            p = p.then(List.of(new Variant("a", "v" + i, 100)), "t" + i, "n" + i);
        }
        ServingPlan back = ServingPlan.parse(p.toJson());
        assertEquals(ServingPlan.HISTORY, back.previous().size());
        assertEquals("v" + (ServingPlan.HISTORY + 4), back.previous().get(0).variants().get(0).version());
        assertEquals("v5", back.previous().get(ServingPlan.HISTORY - 1).variants().get(0).version());
        assertTrue(back.previous().get(0).previous().isEmpty(), "history entries carry no history of their own");
    }

    @Test
    void aMissingWeightMeansOneHundredAndFormatDefaultsToOne() throws IOException {
        ServingPlan p = parse("{\"variants\":[{\"name\":\"a\",\"version\":\"v1\"}]}");
        assertEquals(100, p.variants().get(0).weight());
        assertTrue(p.previous().isEmpty());
    }

    @Test
    void brokenFilesAreRefusedWithClearMessages() {
        assertTrue(refusal("{\"variants\": [").contains("not valid JSON"), refusal("{\"variants\": ["));
        assertTrue(refusal("[1,2]").contains("must be a JSON object"));
        assertTrue(refusal("{\"format\":2,\"variants\":[{\"name\":\"a\",\"version\":\"v1\"}]}")
                .contains("format 2 is not supported"));
        assertTrue(refusal("{\"format\":1}").contains("'variants' must be a list"));
        String dup = refusal("{\"variants\":[{\"name\":\"a\",\"version\":\"v1\",\"weight\":50},"
                + "{\"name\":\"a\",\"version\":\"v2\",\"weight\":50}]}");
        assertTrue(dup.contains("variant a appears twice"), dup);
        String zero = refusal("{\"variants\":[{\"name\":\"a\",\"version\":\"v1\",\"weight\":0},"
                + "{\"name\":\"b\",\"version\":\"v2\",\"weight\":0}]}");
        assertTrue(zero.contains("positive weight"), zero);
        String neg = refusal("{\"variants\":[{\"name\":\"a\",\"version\":\"v1\",\"weight\":-5}]}");
        assertTrue(neg.contains("weight must be >= 0"), neg);
        String frac = refusal("{\"variants\":[{\"name\":\"a\",\"version\":\"v1\",\"weight\":\"lots\"}]}");
        assertTrue(frac.contains("weight must be an integer"), frac);
        String name = refusal("{\"variants\":[{\"name\":\"A B\",\"version\":\"v1\"}]}");
        assertTrue(name.contains("variant name 'A B'"), name);
        String version = refusal("{\"variants\":[{\"name\":\"a\",\"version\":\"../etc\"}]}");
        assertTrue(version.contains("version '../etc'"), version);
        assertTrue(refusal("{\"variants\":[]}").contains("at least one variant"));
        for (String m : List.of(dup, zero, name)) {
            assertTrue(m.startsWith("serving.json"), "the message names the file: " + m);
        }
    }
}
