package io.streamrec.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.state.UserState;

/** What a user's state holds (array lengths), to explain its size. */
final class UserStateShape {
    private UserStateShape() {}

    static void describe(UserState s, ObjectNode o) {
        if (s == null) {
            return;
        }
        o.put("interest_floats", s.interest == null ? 0 : s.interest.length);
        o.put("history", s.histItems.length);
        o.put("purchased", s.purchased.length);
        o.put("cart", s.cart.length);
        o.put("recent_event_hashes", s.recentEventHashes.length);
        int itemChars = 0;
        for (String id : s.histItems) {
            itemChars += id.length();
        }
        o.put("history_item_chars", itemChars);
    }
}
