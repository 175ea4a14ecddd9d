package com.vendstream.ops;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's headless Chromium driven through its chromedriver (test.sh installs
 * both). Each instance is one browser with a profile of its own (its own cookies, so its own session): a test
 * with two operators opens two. The flags keep Chromium from reaching for the network, which is closed on the
 * build machines and would otherwise stall it on connection attempts.
 */
public final class ConsoleBrowser implements AutoCloseable {

    /** Where screenshots go (ops-service/target/screenshots when Maven runs the tests). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    public static final Duration WAIT = Duration.ofSeconds(20);
    /** Debian's packages by default; VENDSTREAM_CHROMIUM and VENDSTREAM_CHROMEDRIVER (as test.sh reads them) elsewhere. */
    static final String CHROMIUM = setting("VENDSTREAM_CHROMIUM", "/usr/bin/chromium");
    static final String CHROMEDRIVER = setting("VENDSTREAM_CHROMEDRIVER", "/usr/bin/chromedriver");

    /** A problem as the console shows it. */
    public record ShownProblem(String title, String status, String detail, String reason) {
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;
    private final List<String> messages = new ArrayList<>();

    private ConsoleBrowser(ChromeDriver driver, Path profile, String base) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
    }

    private static String setting(String variable, String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Starts a browser for the console of the ops-service listening on this port. */
    public static ConsoleBrowser start(int port) {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new IllegalStateException(binary + " is missing: the browser tests need Debian's chromium and"
                        + " chromium-driver packages; ./test.sh installs them (apt-get install chromium chromium-driver)");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("ops-console-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        return new ConsoleBrowser(driver, profile, "http://localhost:" + port);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens the console at a route, e.g. {@code "#/audit"} ("" for the start), and waits for its calls to end. */
    public void open(String hash) {
        driver.get(base + "/" + hash);
        ready();
    }

    /**
     * Loads the page shown again, as a user's reload does. Opening the route already shown would not: a URL that
     * differs from the current one in nothing, or only in its hash, is no new page.
     */
    public void reload() {
        driver.navigate().refresh();
        ready();
    }

    private void ready() {
        waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        settled();
    }

    /** Waits until the page has no call to the service under way (the console counts them on the body). */
    public void settled() {
        waitUntil(d -> "0".equals(d.findElement(By.tagName("body")).getDomAttribute("data-pending")));
    }

    /** Types a user and password into the login page and submits them (whatever the answer). */
    public void submitLogin(String username, String password) {
        open("");
        type(By.id("login-username"), username);
        type(By.id("login-password"), password);
        driver.findElement(By.id("login-submit")).click();
    }

    /** Logs in through the page and waits for the console to show the user. */
    public void login(String username, String password) {
        submitLogin(username, password);
        waitUntil(d -> d.findElement(By.id("whoami")).getText().startsWith(username + " "));
    }

    /** Follows a link of the navigation, e.g. {@code "audit"} for Audit trail, and waits for the page's calls to end. */
    public void nav(String page) {
        WebElement link = visible(By.cssSelector("[data-test='nav-" + page + "']"));
        link.click();
        // The page starts its calls as it marks its link: once marked, data-pending counts them.
        waitUntil(d -> link.getDomAttribute("class") != null && link.getDomAttribute("class").contains("active"));
        settled();
    }

    /** Script errors the page met (uncaught exceptions, rejected promises nobody handled). */
    public List<String> scriptErrors() {
        return consoleMessages().stream().filter(m -> m.contains("Uncaught")).toList();
    }

    public void type(By by, String text) {
        WebElement field = visible(by);
        field.clear();
        field.sendKeys(text);
    }

    public WebElement visible(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the condition gives a value (not null, not false). */
    public <T> T waitUntil(Function<WebDriver, T> condition) {
        return waiting().until(condition::apply);
    }

    /** Pages render again when their data comes: an element found just before that is looked for again. */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Elements by data-test name (none when there are none yet). */
    public List<WebElement> tests(String name) {
        return driver.findElements(By.cssSelector("[data-test='" + name + "']"));
    }

    /** Waits for the problem box and reads it. */
    public ShownProblem problem() {
        WebElement box = visible(By.id("problem"));
        return new ShownProblem(text(box, "problem-title"), text(box, "problem-status"), text(box, "problem-detail"),
                text(box, "problem-reason"));
    }

    public boolean problemShown() {
        return driver.findElement(By.id("problem")).isDisplayed();
    }

    private static String text(WebElement box, String test) {
        List<WebElement> found = box.findElements(By.cssSelector("[data-test='" + test + "']"));
        return found.isEmpty() ? null : found.get(0).getText();
    }

    /** Runs an async script in the page: its last argument is the callback that ends it with a value. */
    public Object async(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    /** The session cookie the service gave this browser, for calling the API as the same session. */
    public String sessionCookie() {
        Cookie cookie = driver.manage().getCookieNamed("SESSION");
        return cookie == null ? null : cookie.getValue();
    }

    /** The browser's console messages since it started (content security policy violations show here). */
    public List<String> consoleMessages() {
        // The driver hands each message out once: keep them.
        driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).forEach(messages::add);
        return List.copyOf(messages);
    }

    /** Saves a PNG of the page under target/screenshots. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // A profile left in the temporary folder is harmless.
            }
        }
    }
}
