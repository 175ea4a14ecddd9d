package com.vendstream.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One application of the stack as its own process ({@link ProcessStack}): the launch file written by the
 * parent names the Spring Boot class and the settings {@link Stack.App} holds, so the process gets the same
 * three tiers as in the one-JVM stack ({@link ServiceLaunch}): the stack's fixed settings, then the
 * {@code --key=value} flags, system properties and environment variables, then the stack's defaults.
 *
 * <pre>java -cp ... com.vendstream.deploy.AppMain &lt;launch file&gt; [--key=value ...]</pre>
 */
public final class AppMain {

    static final String APPLICATION = "application";
    static final String FIXED = "fixed.";
    static final String DEFAULT = "default.";

    private AppMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties launch = read(Path.of(args[0]));
        Map<String, Object> fixed = new LinkedHashMap<>();
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (String key : launch.stringPropertyNames()) {
            if (key.startsWith(FIXED)) {
                fixed.put(key.substring(FIXED.length()), launch.getProperty(key));
            } else if (key.startsWith(DEFAULT)) {
                defaults.put(key.substring(DEFAULT.length()), launch.getProperty(key));
            }
        }
        Class<?> application = Class.forName(launch.getProperty(APPLICATION));
        List<String> flags = Arrays.asList(args).subList(1, args.length);
        ServiceLaunch.run(application, fixed, defaults, flags);
    }

    /** Writes the launch file of one application. */
    static void write(Stack.App app, Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty(APPLICATION, app.application().getName());
        app.fixed().forEach((k, v) -> p.setProperty(FIXED + k, String.valueOf(v)));
        app.defaults().forEach((k, v) -> p.setProperty(DEFAULT + k, String.valueOf(v)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "vendstream: " + app.name() + " (written by ProcessStack at each start)");
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }
}
