package io.streamrec.candidates;

/**
 * The approximate heap cost the live tables account for, so each can keep to a byte budget as well as to its entry
 * bounds. Why: ids of up to 64 KB (events.max-bytes) make a table bounded only in entries gigabytes large. The model,
 * for a 64-bit JVM with compressed references:
 * <ul>
 *   <li>an id: {@link #STRING_BYTES} (the String object, 24, and its array's header, 16) plus 2 bytes a char, its
 *       UTF-16 size; JDK compact strings store Latin-1 ids in 1 byte a char, so this errs high;</li>
 *   <li>each table's fixed cost per entry (its slot in the parallel arrays, index and recency links, map entries and
 *       array headers) is a constant of that table, documented there;</li>
 *   <li>an id is counted once per copy the table holds: {@link OnlineCovisitation}, whose ids recur across lists,
 *       holds one copy of each ({@link StringPool}); the other tables hold an id once per list it is in.</li>
 * </ul>
 * Approximate by design: it bounds what grows with the input, not the JVM's exact layout.
 */
final class HeapBytes {
    /** A String's object and array headers. */
    static final long STRING_BYTES = 40;

    private HeapBytes() {
    }

    /** The accounted size of an id: {@link #STRING_BYTES} plus its UTF-16 size. */
    static long of(String id) {
        return id == null ? 0 : STRING_BYTES + 2L * id.length();
    }
}
