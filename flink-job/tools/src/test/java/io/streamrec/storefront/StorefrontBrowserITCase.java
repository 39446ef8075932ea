package io.streamrec.storefront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.Catalogue;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The storefront end to end in a real browser: Debian's headless chromium (driven by Selenium through
 * chromium-driver) against a local stack of an embedded KRaft broker, the job on a MiniCluster, the simulator's
 * catalogue and some simulated traffic, and the storefront. A new shopper clicks one product of some category, then
 * three products of another; after each click the panel must show the list answering that click within
 * {@link #UPDATE_BOUND} (a correctness bound, not a speed target), and after the three clicks the list must lean to
 * their category: more of its items than after the first click and than chance. Saves a screenshot to
 * {@code target/storefront.png}.
 */
class StorefrontBrowserITCase {
    static final Duration UPDATE_BOUND = Duration.ofSeconds(30);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void clicksInOneCategoryMakeThePanelLeanToIt() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("StorefrontBrowserITCase needs Debian's headless browser and its driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): apt-get install -y --no-install-recommends chromium chromium-driver");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Topics.Names.defaults(), 2);
            World world = new World(SimConfig.defaults().users(300).startMs(System.currentTimeMillis()));
            Simulator sim = new Simulator(world, 0, 0, System::currentTimeMillis);
            Catalogue cat = world.catalogue();
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
                for (SimRecord r : sim.catalogueSnapshot()) {
                    send(producer, Topics.ITEMS, r);
                }
                for (int i = 0; i < 4000; i++) { // what other shoppers did: the job's live tables have content
                    SimRecord r = sim.next();
                    send(producer, r.itemUpdate() ? Topics.ITEMS : Topics.EVENTS, r);
                }
                producer.flush();
            }
            JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(jobSettings(kafka)));
            StorefrontOptions o = new StorefrontOptions();
            o.bootstrapServers = kafka.bootstrapServers();
            o.port = 0;
            o.suggestedShoppers = world.mostActiveUsers(5);
            try (Storefront store = Storefront.start(o)) {
                waitFor("the job to run", Duration.ofSeconds(120),
                        () -> job.getJobStatus().get(10, TimeUnit.SECONDS) == JobStatus.RUNNING);
                waitFor("the storefront's catalogue", Duration.ofSeconds(60),
                        () -> store.catalog().size() >= cat.size() * 9 / 10);
                browse(store, world);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void browse(Storefront store, World world) throws Exception {
        Catalogue cat = world.catalogue();
        int target = biggestCategory(cat);
        int other = (target + 1) % cat.numCategories();
        String targetId = cat.categoryId(target);
        WebDriver driver = chromium();
        try {
            WebDriverWait wait = new WebDriverWait(driver, UPDATE_BOUND);
            driver.get(store.url());
            wait.until(d -> d.findElements(By.cssSelector(".product")).size() > 0);
            String shopper = "browser-" + Long.toString(System.currentTimeMillis(), 36);
            driver.findElement(By.id("shopper-input")).sendKeys(shopper);
            driver.findElement(By.id("shopper-go")).click();
            wait.until(d -> shopper.equals(d.findElement(By.tagName("body")).getDomAttribute("data-shopper")));

            clickProduct(driver, wait, mostPopular(cat, other, 1).get(0), cat.categoryId(other));
            int before = countInPanel(driver, targetId);

            List<Integer> clicked = mostPopular(cat, target, 3);
            List<Long> latencies = new ArrayList<>();
            for (int item : clicked) {
                latencies.add(clickProduct(driver, wait, item, targetId));
            }
            int after = countInPanel(driver, targetId);
            int listSize = driver.findElements(By.cssSelector("#recs li.rec")).size();
            int newOfTarget = 0;
            for (WebElement li : driver.findElements(By.cssSelector("#recs li.rec"))) {
                int idx = cat.indexOf(li.getDomAttribute("data-item-id"));
                if (targetId.equals(li.getDomAttribute("data-category")) && !clicked.contains(idx)) {
                    newOfTarget++;
                }
            }
            double chance = listSize * (double) cat.itemsInCategory(target).length / cat.size();
            System.out.printf(Locale.ROOT, "[storefront-browser] category %s (%s): %d of %d listed after the "
                    + "three clicks (%d not clicked), %d after the first click, chance %.2f; click->update %s ms%n",
                    targetId, cat.categoryLabel(target), after, listSize, newOfTarget, before, chance, latencies);
            ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path shot = Path.of("target", "storefront.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, png);
            assertTrue(after > before, "the list did not lean to " + targetId + ": " + after + " items of it after "
                    + "three clicks, " + before + " before");
            assertTrue(after > 2 * chance, after + " items of " + targetId + " is not above chance (" + chance + ")");
            assertTrue(newOfTarget >= 1, "no item of " + targetId + " beyond the three clicked ones");
            String model = driver.findElement(By.id("model")).getText();
            assertTrue(!model.isBlank() && !model.equals("–"), "no model version shown");
            assertTrue(driver.findElements(By.cssSelector("#recs li.rec span.badge")).size() == listSize,
                    "every item shows its source");
        } finally {
            driver.quit();
        }
    }

    /** Clicks a product card; waits for the list answering that click; returns the shown click→update latency. */
    private static long clickProduct(WebDriver driver, WebDriverWait wait, int item, String categoryId) {
        String itemId = String.format(Locale.ROOT, "i%05d", item);
        driver.findElement(By.cssSelector("#categories button[data-category='" + categoryId + "']")).click();
        WebElement card = wait.until(d -> d.findElement(By.cssSelector(".product[data-item-id='" + itemId + "']")));
        String lastBefore = driver.findElement(By.tagName("body")).getDomAttribute("data-last-event");
        card.findElement(By.cssSelector(".title")).click();
        String event = wait.until(d -> {
            String e = d.findElement(By.tagName("body")).getDomAttribute("data-last-event");
            return e != null && !e.equals(lastBefore) ? e : null;
        });
        long t0 = System.nanoTime();
        wait.until(d -> event.equals(d.findElement(By.id("recs")).getDomAttribute("data-trigger")));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited <= UPDATE_BOUND.toMillis());
        String ms = driver.findElement(By.id("latency")).getDomAttribute("data-ms");
        assertTrue(ms != null, "no click→update latency shown for " + event);
        return Long.parseLong(ms);
    }

    private static int countInPanel(WebDriver driver, String categoryId) {
        return driver.findElements(By.cssSelector("#recs li.rec[data-category='" + categoryId + "']")).size();
    }

    private static int biggestCategory(Catalogue cat) {
        int best = 0;
        for (int c = 1; c < cat.numCategories(); c++) {
            if (cat.itemsInCategory(c).length > cat.itemsInCategory(best).length) {
                best = c;
            }
        }
        return best;
    }

    /** The category's {@code n} most popular items, most popular first (what a shopper sees and clicks). */
    private static List<Integer> mostPopular(Catalogue cat, int category, int n) {
        List<Integer> items = new ArrayList<>();
        for (int i : cat.itemsInCategory(category)) {
            items.add(i);
        }
        items.sort((a, b) -> Integer.compare(cat.popularityRank(a), cat.popularityRank(b)));
        return items.subList(0, n);
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--user-data-dir=" + tempProfile());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String tempProfile() {
        try {
            File dir = Files.createTempDirectory("storefront-chromium-").toFile();
            dir.deleteOnExit();
            return dir.getAbsolutePath();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> jobSettings(EmbeddedKafka kafka) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("kafka.group-id", "streamrec-storefront-it");
        s.put("kafka.starting-offsets", "earliest");
        s.put("model.reload-interval", "0 s");
        s.put("recs.top-k", "10");
        s.put("recs.discover-list", "true");
        s.put("parallelism.default", "2");
        return s;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, SimRecord r) {
        p.send(new ProducerRecord<>(topic, r.key().getBytes(StandardCharsets.UTF_8), r.value()));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
