package com.vendstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node KRaft Kafka broker run from the Kafka jars on this JVM's classpath, as its own
 * process, with its log directories under the data folder so that topics survive a restart.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;

    private KafkaBroker(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaBroker start(Path dataDir, int port, int controllerPort) {
        try {
            Path dir = Files.createDirectories(dataDir.resolve("kafka"));
            Path logs = dir.resolve("logs");
            Path config = dir.resolve("server.properties");
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("log.dirs", logs.toString());
            p.setProperty("num.partitions", "6");
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            try (var out = Files.newOutputStream(config)) {
                p.store(out, "vendstream local stack: single-node KRaft broker");
            }
            Path logback = dir.resolve("logback.xml");
            Files.writeString(logback, """
                    <configuration>
                      <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                        <file>%s</file>
                        <encoder><pattern>%%d %%-5level [%%logger{20}] %%msg%%n</pattern></encoder>
                      </appender>
                      <root level="INFO"><appender-ref ref="FILE"/></root>
                    </configuration>
                    """.formatted(dir.resolve("broker.log")));
            if (!Files.exists(logs.resolve("meta.properties"))) {
                // First start: format the storage once; later starts reuse it and its topics.
                run(List.of("kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", config.toString()), logback, dir.resolve("format.log"));
            }
            Process broker = java(List.of("kafka.Kafka", config.toString()), logback, dir.resolve("broker.out"), 768);
            String bootstrap = "localhost:" + port;
            awaitReady(broker, bootstrap, Duration.ofSeconds(60));
            return new KafkaBroker(broker, bootstrap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> args, Path logback, Path output) throws IOException {
        Process p = java(args, logback, output, 256);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("Kafka storage format failed; see " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Process java(List<String> args, Path logback, Path output, int heapMb) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx" + heapMb + "m",
                "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path")));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void awaitReady(Process broker, String bootstrap, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String host = bootstrap.split(":")[0];
        int port = Integer.parseInt(bootstrap.split(":")[1]);
        while (Instant.now().isBefore(deadline)) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + broker.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                }
            } catch (Exception notYet) {
                waitBriefly(broker);
            }
        }
        throw new IllegalStateException("Kafka broker did not become ready within " + timeout);
    }

    /** Waits on the broker process itself, so a dying broker ends the wait at once. */
    private static void waitBriefly(Process broker) {
        try {
            broker.waitFor(300, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code kill -9} of the broker: no controlled shutdown, no flush beyond what the OS already has. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
