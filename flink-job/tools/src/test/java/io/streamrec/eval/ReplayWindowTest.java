package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.EventLimits;
import io.streamrec.event.EventParser;
import io.streamrec.event.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A replay widens the job's event-time window to its log ({@link JobReplay#admitTimes}): every event of the log is
 * accepted for the whole run, however old (or far ahead) the log is, and a log that fits the window changes nothing.
 * Its events before the first kept one only warm the state ({@link JobReplay#warmUpBeforeKept}).
 */
class ReplayWindowTest {
    private static final long NOW = Instant.parse("2026-12-06T21:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    private static boolean accepted(Configuration conf, long ts, long now) {
        EventParser p = new EventParser(65536, 16, EventLimits.from(conf), () -> now);
        String json = "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":" + ts + "}";
        return p.parse(new RawRecord(null, json.getBytes(StandardCharsets.UTF_8), "user-events", 0, 0, 0)).ok();
    }

    @Test
    void aHistoricalLogIsAcceptedFromStartToEndOfTheReplay() {
        long first = Instant.parse("2015-05-03T00:00:00Z").toEpochMilli(); // RetailRocket's first day
        long last = Instant.parse("2015-09-18T00:00:00Z").toEpochMilli();
        Configuration conf = JobReplay.replayConf(new Configuration());
        assertTrue(!accepted(conf, first, NOW) && !accepted(conf, last, NOW), "the live window refuses the log");
        JobReplay.admitTimes(conf, first, last, NOW);
        StreamrecConfig.validate(conf);
        for (long now : new long[] {NOW, NOW + DAY - 1}) { // a replay that runs up to a day
            assertTrue(accepted(conf, first, now) && accepted(conf, last, now));
        }
        assertEquals(Duration.ofHours(1), conf.get(StreamrecOptions.EVENT_MAX_TS_FUTURE));
        // the rest of the contract still holds
        assertTrue(!accepted(conf, -1, NOW) && !accepted(conf, NOW + 2 * 3_600_000L, NOW));
    }

    @Test
    void aSimulatedLogAheadOfTheClockIsAccepted() {
        Configuration conf = new Configuration();
        JobReplay.admitTimes(conf, NOW + 10 * DAY, NOW + 40 * DAY, NOW);
        assertTrue(accepted(conf, NOW + 10 * DAY, NOW) && accepted(conf, NOW + 40 * DAY, NOW));
        assertEquals(Duration.ofDays(30), conf.get(StreamrecOptions.EVENT_MAX_TS_PAST));
    }

    @Test
    void aLogInsideTheWindowOrAWiderUserSettingIsLeftAlone() {
        Configuration conf = new Configuration();
        JobReplay.admitTimes(conf, NOW - 2 * DAY, NOW, NOW);
        assertEquals(Duration.ofDays(30), conf.get(StreamrecOptions.EVENT_MAX_TS_PAST));
        assertEquals(Duration.ofHours(1), conf.get(StreamrecOptions.EVENT_MAX_TS_FUTURE));
        conf.set(StreamrecOptions.EVENT_MAX_TS_PAST, Duration.ofDays(20_000));
        JobReplay.admitTimes(conf, NOW - 400 * DAY, NOW, NOW);
        assertEquals(Duration.ofDays(20_000), conf.get(StreamrecOptions.EVENT_MAX_TS_PAST));
    }

    @Test
    void aLogBeyondTheWidestWindowFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobReplay.admitTimes(new Configuration(), 0, NOW + 40_000 * DAY, NOW));
        assertTrue(e.getMessage().contains("cannot reach them"), e.getMessage());
    }

    @Test
    void eventsBeforeTheFirstKeptOneWarmTheStateUnlessTheUserChoseOtherwise() {
        java.util.List<io.streamrec.event.UserEvent> events = java.util.List.of(
                new io.streamrec.event.UserEvent("a", "u", "i", io.streamrec.event.EventType.VIEW, 5_000),
                new io.streamrec.event.UserEvent("b", "u", "i", io.streamrec.event.EventType.VIEW, 9_000),
                new io.streamrec.event.UserEvent("c", "v", "i", io.streamrec.event.EventType.VIEW, 7_000));
        Configuration conf = new Configuration();
        JobReplay.warmUpBeforeKept(conf, events, java.util.Set.of("b", "c"));
        assertEquals(7_000, StreamrecConfig.listsFrom(conf), "the earliest kept event, not the last one");
        Configuration user = new Configuration();
        user.set(StreamrecOptions.LISTS_FROM, "1970-01-01T00:00:00Z"); // rank everything, as without warm-up
        JobReplay.warmUpBeforeKept(user, events, java.util.Set.of("b"));
        assertEquals(0, StreamrecConfig.listsFrom(user));
        Configuration none = new Configuration();
        JobReplay.warmUpBeforeKept(none, events, java.util.Set.of());
        assertEquals(Long.MIN_VALUE, StreamrecConfig.listsFrom(none), "nothing kept: every event is ranked");
    }
}
