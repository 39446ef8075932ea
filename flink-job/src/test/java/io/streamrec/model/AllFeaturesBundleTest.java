package io.streamrec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.ranking.BundleLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bundle written by model-export (Python) that names every candidate feature loads in Java: loading replays its
 * golden cases, so the Java history and online co-visitation features reproduce Python's on cases where every column
 * is non-zero.
 */
class AllFeaturesBundleTest {

    @Test
    void javaReproducesPythonsGoldenCasesForEveryCandidateFeature() throws Exception {
        ModelBundle bundle = BundleLoader.load(ShippedBundle.allFeaturesDirectory().toString());
        List<String> names = bundle.manifest().candidateFeatures();
        assertEquals(List.of("covisit", "hist_count", "hist_recency", "hist_age", "hist_cart", "hist_purchase",
                "online_covisit"), names);
        JsonNode cases = new ObjectMapper().readTree(bundle.goldenJson()).get("candidate_feature_cases");
        boolean[] nonZero = new boolean[names.size()];
        for (JsonNode c : cases) {
            for (JsonNode row : c.get("expected")) {
                for (int f = 0; f < nonZero.length; f++) {
                    nonZero[f] |= row.get(f).asDouble() != 0.0;
                }
            }
        }
        for (int f = 0; f < nonZero.length; f++) {
            assertTrue(nonZero[f], "the golden cases exercise " + names.get(f));
        }
    }
}
