package dev.strata.it.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for end-to-end tests, driven through the system's chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs).
 *
 * <p>Nothing is ever downloaded: the driver executable and the browser binary are both given explicitly, so
 * Selenium Manager is skipped. Each browser gets a fresh temporary profile, deleted on {@link #close()}.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *     browser.open(Api.BASE + "/");
 *     browser.driver().findElement(By.id("login")).click();
 *     browser.screenshot("dashboard");
 * }
 * }</pre>
 *
 * <p>System properties: {@code it.screenshots.dir} (default {@code target/screenshots}), {@code it.chromium.binary}
 * (default {@code /usr/bin/chromium}), {@code it.chromedriver} (default {@code /usr/bin/chromedriver}),
 * {@code it.chromedriver.log} (a file for chromedriver's log; none by default).
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = System.getProperty("it.chromium.binary", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getProperty("it.chromedriver", "/usr/bin/chromedriver");
    public static final Path SCREENSHOTS = Path.of(System.getProperty("it.screenshots.dir", "target/screenshots"));

    /** The default time {@link #await()} waits. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    /*
     * Plain WebDriver needs no Chrome DevTools Protocol bindings (selenium-devtools-vNNN are not on the classpath),
     * so Selenium's "Unable to find CDP implementation matching NNN" warning on every start is noise. Held in a
     * field: java.util.logging keeps loggers weakly, and a collected logger would forget its level.
     */
    private static final Logger CDP_NOISE = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_NOISE.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final long startMillis;
    private boolean closed;
    private int viewportWidth;
    private int viewportHeight;

    private Browser(ChromeDriver driver, Path profile, long startMillis) {
        this.driver = driver;
        this.profile = profile;
        this.startMillis = startMillis;
    }

    /** Starts a headless Chromium with a fresh temporary profile. */
    public static Browser start() {
        requireExecutable(CHROMIUM, "chromium (apt-get install chromium)");
        requireExecutable(CHROMEDRIVER, "chromedriver (apt-get install chromium-driver)");
        // belt and braces: Selenium looks at this property before it would ever ask Selenium Manager
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);

        long t0 = System.nanoTime();
        Path profile;
        try {
            profile = Files.createTempDirectory("strata-e2e-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // tests run as root, where Chromium's sandbox refuses to start
                "--disable-gpu",
                "--disable-dev-shm-usage", // shared memory in /tmp: a container's small /dev/shm crashes tabs
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking", // no calls home: only the loopback is reachable
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1366,900",
                "--user-data-dir=" + profile.toAbsolutePath());

        ChromeDriverService.Builder service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withSilent(true);
        String log = System.getProperty("it.chromedriver.log");
        if (log != null && !log.isBlank()) {
            service.withSilent(false).withLogFile(new File(log));
        }

        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service.build(), options);
        } catch (RuntimeException e) {
            deleteQuietly(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Browser(driver, profile, millis);
    }

    /** The WebDriver, for everything this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /** Navigates to {@code url} and waits for the page to load. */
    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    /** Fills the sign-in form the current page shows with {@code user} and {@code password} and submits it. */
    public Browser signIn(String user, String password) {
        driver.findElement(org.openqa.selenium.By.id("login:username")).sendKeys(user);
        driver.findElement(org.openqa.selenium.By.id("login:password")).sendKeys(password);
        driver.findElement(org.openqa.selenium.By.id("login:signIn")).click();
        return this;
    }

    /** The dashboard's administrator (the password the test server was given) signs in on the current page. */
    public Browser signInAsAdmin() {
        return signIn("admin", System.getProperty("it.admin.password"));
    }

    /** A wait of {@link #WAIT} on this browser: {@code browser.await().until(ExpectedConditions...)}; see {@link #await(Duration)}. */
    public WebDriverWait await() {
        return await(WAIT);
    }

    /**
     * Elements the dashboard's live refresh replaces while a condition reads them (found, then gone before their
     * text is read) are looked up again on the next poll, not a failure.
     */
    public WebDriverWait await(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** Writes a PNG of the viewport to {@code <it.screenshots.dir>/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = SCREENSHOTS.resolve(safe + ".png").toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + target, e);
        }
        return target;
    }

    /**
     * Makes the page's viewport {@code width}×{@code height} CSS pixels: the window is resized and, as a window has a
     * minimum size and a frame, the viewport is set exactly through the DevTools protocol (chromedriver's own
     * command; no DevTools bindings needed). Below 700 px wide it is a phone's (mobile: the page's
     * {@code <meta name="viewport">} applies, as on a real phone).
     */
    public Browser viewport(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(Math.max(width, 500), height + 100));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 700));
        viewportWidth = width;
        viewportHeight = height;
        return this;
    }

    /**
     * A PNG of the whole page at the current viewport width (the viewport made as tall as the page, up to 8000 px,
     * then back) at {@code <it.screenshots.dir>/<name>.png}.
     */
    public Path screenshotFullPage(String name) {
        if (viewportWidth == 0) {
            return screenshot(name);
        }
        Number tall = (Number) driver.executeScript("return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)");
        int height = Math.min(8000, Math.max(viewportHeight, tall == null ? 0 : tall.intValue()));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", viewportWidth, "height", height,
                "deviceScaleFactor", 1, "mobile", viewportWidth < 700));
        try {
            return screenshot(name);
        } finally {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", viewportWidth, "height", viewportHeight,
                    "deviceScaleFactor", 1, "mobile", viewportWidth < 700));
        }
    }

    /** How long {@link #start()} took: chromedriver and Chromium up, session created. */
    public long startMillis() {
        return startMillis;
    }

    /** Quits the browser and deletes its temporary profile. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void requireExecutable(String path, String what) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("no " + what + " at " + path);
        }
    }

    private static void deleteQuietly(Path dir) {
        // Chromium's helpers may still be flushing the profile right after quit: try a few times
        for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // retry below
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
