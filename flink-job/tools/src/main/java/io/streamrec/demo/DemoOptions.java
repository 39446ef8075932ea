package io.streamrec.demo;

import io.streamrec.sim.SimConfig;
import java.time.Duration;

/** Settings of one demo run. */
public final class DemoOptions {
    public double rate = 200;
    public int users = 200;
    public Duration duration; // null = until Ctrl-C
    public long seed = SimConfig.DEFAULT_SEED;
    public int items = SimConfig.DEFAULT_ITEMS;
    public int categories = SimConfig.DEFAULT_CATEGORIES;
    public int watch = 4;
    public Duration refresh = Duration.ofSeconds(2);
    public int parallelism = 2;
    public int topK = 10;
    public String stateBackend = "rocksdb";
    public String modelPath = "classpath:default";
    public double malformedRate = 0.005;
    public double duplicateRate = 0.002;
    /** No ANSI screen clearing: frames are printed one after another (default when stdout is not a terminal). */
    public boolean plain = System.console() == null;
    /** Run without the Flink job (only the broker, the simulator and the view). */
    public boolean noJob;
    /** Port of the storefront web page; taken, it falls back to a free one. 0 = any free port. */
    public int storefrontPort = 8088;
    /** Address the storefront listens on: loopback unless told otherwise. */
    public String storefrontBind = "127.0.0.1";
    /** Run without the storefront web page. */
    public boolean noStorefront;
}
