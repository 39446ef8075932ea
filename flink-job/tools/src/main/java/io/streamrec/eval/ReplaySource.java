package io.streamrec.eval;

import io.streamrec.event.RawRecord;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded source of {@link RawRecord}s read from a replay file, in file order: what a Kafka source would deliver if
 * the storefront had written the log to {@code user-events} (value = the input contract's JSON bytes, key = user_id,
 * topic {@code user-events}, partition 0, offset = line number, record timestamp 0 = unknown ingest time). With
 * parallelism 1 there is one split, so records arrive in time order. Each line of the file is
 * {@code base64(user_id) TAB json}.
 */
public final class ReplaySource {
    /**
     * Records read by replay sources in this JVM: the progress of a local (MiniCluster) replay. The collected output
     * cannot show progress, because with checkpointing on the collect sink only hands out checkpointed results.
     */
    static final java.util.concurrent.atomic.AtomicLong RECORDS_READ = new java.util.concurrent.atomic.AtomicLong();

    private ReplaySource() {}

    /** Writes the replay file for {@code events} (already in time order). */
    public static void write(Path file, List<UserEvent> events) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (UserEvent e : events) {
                w.write(b64.encodeToString(e.userId.getBytes(StandardCharsets.UTF_8)));
                w.write('\t');
                w.write(new String(UserEventJson.toJsonBytes(e), StandardCharsets.UTF_8));
                w.write('\n');
            }
        }
    }

    /** Writes a replay file of (key, JSON value) pairs. */
    public static void writeRaw(Path file, List<String[]> keyValues) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String[] kv : keyValues) {
                w.write(b64.encodeToString(kv[0].getBytes(StandardCharsets.UTF_8)));
                w.write('\t');
                w.write(kv[1]);
                w.write('\n');
            }
        }
    }

    public static DataGeneratorSource<RawRecord> create(Path file, long count, String topic) {
        return new DataGeneratorSource<>(new FileLines(file.toAbsolutePath().toString(), topic), count,
                TypeInformation.of(RawRecord.class));
    }

    /** Maps index i to line i of the file, reading sequentially (reopens and skips if asked out of order). */
    static final class FileLines implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String topic;
        private transient BufferedReader reader;
        private transient long nextIndex;

        FileLines(String path, String topic) {
            this.path = path;
            this.topic = topic;
        }

        @Override
        public void open(SourceReaderContext ctx) throws IOException {
            reopen();
        }

        private void reopen() throws IOException {
            if (reader != null) {
                reader.close();
            }
            reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8);
            nextIndex = 0;
        }

        @Override
        public RawRecord map(Long index) throws IOException {
            if (reader == null || index < nextIndex) {
                reopen();
            }
            String line = null;
            while (nextIndex <= index) {
                line = reader.readLine();
                nextIndex++;
                if (line == null) {
                    throw new IOException("replay file " + path + " has fewer lines than " + (index + 1));
                }
            }
            int tab = line.indexOf('\t');
            byte[] key = Base64.getDecoder().decode(line.substring(0, tab));
            byte[] value = line.substring(tab + 1).getBytes(StandardCharsets.UTF_8);
            RECORDS_READ.incrementAndGet();
            return new RawRecord(key, value, topic, 0, index, 0L);
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
