package io.streamrec.event;

import io.streamrec.config.StreamrecOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;

/**
 * The configurable bounds of the {@code user-events} contract that {@link EventParser} enforces: the longest id
 * ({@code events.max-id-length}) and the event-time window around processing time ({@code events.max-ts-past},
 * {@code events.max-ts-future}). A value object, serializable so {@link ParseEventsFunction} can carry it to the task
 * managers; the defaults are those of {@link StreamrecOptions}, the single source of the documented values.
 */
public final class EventLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest id accepted, in Unicode code points (what JSON Schema's maxLength counts). */
    public final int maxIdLength;
    /** How far before processing time an event's ts may lie, in ms. */
    public final long maxTsPastMs;
    /** How far after processing time an event's ts may lie, in ms. */
    public final long maxTsFutureMs;

    public EventLimits(int maxIdLength, Duration maxTsPast, Duration maxTsFuture) {
        if (maxIdLength < 1 || maxTsPast.isNegative() || maxTsFuture.isNegative()) {
            throw new IllegalArgumentException("event limits must be positive: " + maxIdLength + ", " + maxTsPast
                    + ", " + maxTsFuture);
        }
        this.maxIdLength = maxIdLength;
        this.maxTsPastMs = maxTsPast.toMillis();
        this.maxTsFutureMs = maxTsFuture.toMillis();
    }

    /** The documented defaults. */
    public static EventLimits defaults() {
        return from(new Configuration());
    }

    /** The limits a (validated) job configuration sets. */
    public static EventLimits from(Configuration conf) {
        return new EventLimits(conf.get(StreamrecOptions.EVENT_MAX_ID_LENGTH),
                conf.get(StreamrecOptions.EVENT_MAX_TS_PAST), conf.get(StreamrecOptions.EVENT_MAX_TS_FUTURE));
    }

    @Override
    public String toString() {
        return "EventLimits{maxIdLength=" + maxIdLength + ", maxTsPast=" + EventParser.duration(maxTsPastMs)
                + ", maxTsFuture=" + EventParser.duration(maxTsFutureMs) + "}";
    }
}
