package io.streamrec.catalog;

/**
 * One record of the compacted {@code item-updates} topic: an item's stock status, price, category, or its deletion.
 * A Kafka tombstone (null value) for an item id means the item was deleted. Flink POJO; the one class of that
 * boundary (the simulator writes it too). {@link ItemUpdateParser} reads it, {@link ItemUpdateJson} writes it.
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

    /** Field-by-field equality. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ItemUpdate u && inStock == u.inStock && deleted == u.deleted && ts == u.ts
                && java.util.Objects.equals(itemId, u.itemId) && java.util.Objects.equals(category, u.category)
                && java.util.Objects.equals(price, u.price);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(itemId, ts);
    }

    @Override
    public String toString() {
        return "ItemUpdate{" + itemId + ", category=" + category + ", price=" + price + ", inStock=" + inStock
                + ", deleted=" + deleted + ", ts=" + ts + "}";
    }

    /** True when the item must not be recommended. */
    public boolean unavailable() {
        return deleted || !inStock;
    }
}
