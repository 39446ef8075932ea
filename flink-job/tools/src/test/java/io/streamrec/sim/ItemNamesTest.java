package io.streamrec.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Item names are readable, fit their category, are unique in a catalogue, and depend on the seed alone. */
class ItemNamesTest {

    @Test
    void namesAreReadableUniqueAndFitTheirCategory() {
        Catalogue c = new World(SimConfig.defaults().users(10)).catalogue();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.size(); i++) {
            String n = c.name(i);
            assertTrue(n.matches("[A-Z][a-z]+( [A-Z][a-z]+)+( \\d+)?"), n);
            assertTrue(seen.add(n), "repeated name " + n);
        }
        int lamps = 0;
        for (int i : c.itemsInCategory(indexOfLabel(c, "lighting"))) {
            lamps += c.name(i).matches(".*(Lamp|Light|Lights)( \\d+)?") ? 1 : 0;
        }
        assertEquals(c.itemsInCategory(indexOfLabel(c, "lighting")).length, lamps);
    }

    @Test
    void theSameSeedGivesTheSameNames() {
        Catalogue a = new World(SimConfig.defaults().users(10)).catalogue();
        Catalogue b = new World(SimConfig.defaults().users(10)).catalogue();
        Catalogue other = new World(SimConfig.defaults().users(10).seed(7)).catalogue();
        int differs = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.name(i), b.name(i));
            differs += a.name(i).equals(other.name(i)) ? 0 : 1;
        }
        assertNotEquals(0, differs);
    }

    private static int indexOfLabel(Catalogue c, String label) {
        for (int k = 0; k < c.numCategories(); k++) {
            if (c.categoryLabel(k).equals(label)) {
                return k;
            }
        }
        throw new AssertionError("no category " + label);
    }
}
