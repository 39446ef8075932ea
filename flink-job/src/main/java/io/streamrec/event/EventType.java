package io.streamrec.event;

import java.util.Locale;

/**
 * The shopper actions the input contract allows. The ordinal order is the bundle contract's order
 * (docs/MODEL_BUNDLE.md): the model's type index of a type is {@code ordinal() + 1}, with 0 kept for padding.
 */
public enum EventType {
    VIEW("view"),
    CLICK("click"),
    ADD_TO_CART("add_to_cart"),
    REMOVE_FROM_CART("remove_from_cart"),
    PURCHASE("purchase"),
    SEARCH("search");

    private static final EventType[] VALUES = values();

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON and in the bundle manifest, e.g. {@code add_to_cart}. */
    public String wireName() {
        return wireName;
    }

    /** The index the ranker sees in {@code hist_types}: 1..6, 0 is padding. */
    public int modelIndex() {
        return ordinal() + 1;
    }

    public static EventType fromModelIndex(int index) {
        return VALUES[index - 1];
    }

    /** Parses a wire name; returns null for anything that is not one of the six types. */
    public static EventType fromWire(String name) {
        if (name == null) {
            return null;
        }
        for (EventType t : VALUES) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (EventType t : VALUES) {
            if (t.wireName.equals(lower)) {
                return t;
            }
        }
        return null;
    }
}
