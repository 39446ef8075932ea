package io.streamrec.sim;

import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Turns a good event into the kinds of junk a real storefront sends now and then, so the DLQ has work to do. */
public final class Malformer {
    /** Size of an oversized payload: well above any sane event, below the broker's default 1 MB message limit. */
    public static final int OVERSIZED_BYTES = 600 * 1024;

    public enum Kind {
        INVALID_JSON(30),
        MISSING_FIELD(20),
        WRONG_TYPE(20),
        UNKNOWN_EVENT_TYPE(15),
        INVALID_UTF8(10),
        OVERSIZED(5);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private static final Kind[] KINDS = Kind.values();
    private static final String[] REQUIRED = {"event_id", "user_id", "item_id", "type", "ts"};

    private Malformer() {}

    public static Kind pickKind(SplittableRandom r) {
        int total = 0;
        for (Kind k : KINDS) {
            total += k.weight;
        }
        int x = r.nextInt(total);
        for (Kind k : KINDS) {
            x -= k.weight;
            if (x < 0) {
                return k;
            }
        }
        return KINDS[0];
    }

    /** The bad bytes of the given kind, derived from {@code e}. Never contains a newline byte. */
    public static byte[] malform(UserEvent e, Kind kind, SplittableRandom r) {
        String json = UserEventJson.toJson(e);
        switch (kind) {
            case INVALID_JSON: {
                int variant = r.nextInt(3);
                if (variant == 0) { // truncated
                    return utf8(json.substring(0, 1 + r.nextInt(json.length() - 2)));
                } else if (variant == 1) { // unquoted value, trailing comma
                    return utf8(json.replace("\"user_id\":\"" + e.userId + "\"", "\"user_id\":" + e.userId)
                            .replace("}", ",}"));
                } else {
                    return utf8("event " + e.eventId + " user=" + e.userId + " item=" + e.itemId);
                }
            }
            case MISSING_FIELD: {
                String field = REQUIRED[r.nextInt(REQUIRED.length)];
                return utf8(removeField(json, field));
            }
            case WRONG_TYPE: {
                int variant = r.nextInt(3);
                if (variant == 0) {
                    return utf8(json.replace("\"ts\":" + e.ts, "\"ts\":\"yesterday\""));
                } else if (variant == 1) {
                    return utf8(json.replace("\"item_id\":\"" + e.itemId + "\"",
                            "\"item_id\":{\"id\":\"" + e.itemId + "\"}"));
                } else {
                    return utf8(json.replace("\"user_id\":\"" + e.userId + "\"", "\"user_id\":null"));
                }
            }
            case UNKNOWN_EVENT_TYPE: {
                String[] bogus = {"wishlist", "hover", "share", "VIEWED", ""};
                return utf8(json.replace("\"type\":\"" + e.type.wireName() + "\"",
                        "\"type\":\"" + bogus[r.nextInt(bogus.length)] + "\""));
            }
            case INVALID_UTF8: {
                byte[] good = utf8(json);
                String marker = "\"item_id\":\"";
                int at = json.indexOf(marker) + marker.length();
                byte[] bad = new byte[good.length + 3];
                System.arraycopy(good, 0, bad, 0, at);
                bad[at] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
                bad[at + 1] = (byte) 0x28;
                bad[at + 2] = (byte) 0xFF; // never valid in UTF-8
                System.arraycopy(good, at, bad, at + 3, good.length - at);
                return bad;
            }
            case OVERSIZED: {
                char[] pad = new char[OVERSIZED_BYTES];
                Arrays.fill(pad, 'x');
                return utf8(json.substring(0, json.length() - 1) + ",\"query\":\"" + new String(pad) + "\"}");
            }
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    static String removeField(String json, String field) {
        String key = "\"" + field + "\":";
        int start = json.indexOf(key);
        if (start < 0) {
            return json;
        }
        int end = start + key.length();
        if (json.charAt(end) == '"') {
            end = json.indexOf('"', end + 1) + 1;
        } else {
            while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
                end++;
            }
        }
        // Remove the field and one adjacent comma.
        if (end < json.length() && json.charAt(end) == ',') {
            end++;
        } else if (start > 0 && json.charAt(start - 1) == ',') {
            start--;
        }
        return json.substring(0, start) + json.substring(end);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
