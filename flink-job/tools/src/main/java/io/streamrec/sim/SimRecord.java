package io.streamrec.sim;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.event.UserEvent;

/**
 * One record to write: a shopper event (possibly malformed or a duplicate) for {@code user-events}, or a catalogue
 * update for {@code item-updates}.
 *
 * @param event the well-formed event, or null for a malformed record or an item update
 * @param update the catalogue update, or null
 * @param malformed the kind of junk, or null if the value is well-formed
 * @param duplicate true if this is an exact re-send of an earlier event
 */
public record SimRecord(
        boolean itemUpdate, String key, byte[] value, UserEvent event, ItemUpdate update, Malformer.Kind malformed,
        boolean duplicate) {}
