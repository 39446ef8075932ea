package io.streamrec.catalog;

/**
 * One record of the compacted {@code item-updates} topic: an item's stock status, price, category, or its deletion.
 * A Kafka tombstone (null value) for an item id means the item was deleted. Flink POJO.
 */
public class ItemUpdate {
    public String itemId;
    public String category;
    public Double price;
    public boolean inStock = true;
    public boolean deleted;
    public long ts;

    public ItemUpdate() {}

    public ItemUpdate(String itemId, boolean inStock, boolean deleted) {
        this.itemId = itemId;
        this.inStock = inStock;
        this.deleted = deleted;
    }

    /** True when the item must not be recommended. */
    public boolean unavailable() {
        return deleted || !inStock;
    }
}
