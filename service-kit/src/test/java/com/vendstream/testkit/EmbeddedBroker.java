package com.vendstream.testkit;

import com.vendstream.schemas.topic.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real single-node KRaft broker in the test's JVM (spring-kafka-test), on a random port. */
public final class EmbeddedBroker implements AutoCloseable {

    /** The listener {@link #withScramListener} adds; the test kit's own listeners are EXTERNAL and CONTROLLER. */
    private static final String SCRAM_LISTENER = "SCRAM";

    private final EmbeddedKafkaKraftBroker kafka;

    private EmbeddedBroker(int partitions, Map<String, String> settings, String... topics) {
        kafka = new EmbeddedKafkaKraftBroker(1, partitions, topics);
        if (!settings.isEmpty()) {
            kafka.brokerProperties(settings);
        }
        kafka.afterPropertiesSet();
    }

    /**
     * With every topic the services use, {@code partitions} each. The registry's own topic is left out: the
     * registry creates it with the settings it needs (one partition, compacted).
     */
    public static EmbeddedBroker withServiceTopics(int partitions) {
        return withTopics(partitions, Arrays.stream(Topics.values()).filter(t -> t != Topics.SCHEMAS)
                .map(Topics::topic).toArray(String[]::new));
    }

    /** With these topics, {@code partitions} each; none when no topic is named. */
    public static EmbeddedBroker withTopics(int partitions, String... topics) {
        return new EmbeddedBroker(partitions, Map.of(), topics);
    }

    /** With broker settings of the test's own and no topics: {@code partitions} is what auto-created topics get. */
    public static EmbeddedBroker withSettings(int partitions, Map<String, String> settings) {
        return new EmbeddedBroker(partitions, settings);
    }

    /**
     * With every service topic, and besides its PLAINTEXT listener ({@link #bootstrap()}, for the test's own
     * clients) a SASL_PLAINTEXT listener taking SCRAM-SHA-512 only ({@link #scramBootstrap()}): what a Strimzi
     * cluster's SCRAM listener asks of a service. Users are added with {@link #addScramUser}.
     */
    public static EmbeddedBroker withScramListener(int partitions) {
        String listener = SCRAM_LISTENER.toLowerCase();
        return new EmbeddedBroker(partitions, Map.of(
                "listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + SCRAM_LISTENER + "://localhost:0",
                "listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + SCRAM_LISTENER
                        + ":SASL_PLAINTEXT",
                "sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "listener.name." + listener + ".sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "listener.name." + listener + ".scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                Arrays.stream(Topics.values()).filter(t -> t != Topics.SCHEMAS).map(Topics::topic)
                        .toArray(String[]::new));
    }

    /** The SCRAM listener's host:port ({@link #withScramListener} only). */
    public String scramBootstrap() {
        int port = kafka.getCluster().brokers().values().iterator().next()
                .boundPort(ListenerName.normalised(SCRAM_LISTENER));
        return "localhost:" + port;
    }

    /** A SCRAM-SHA-512 user, as Strimzi's User Operator makes one for a {@code KafkaUser}. */
    public void addScramUser(String user, String password) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not add SCRAM user " + user, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted adding SCRAM user " + user, e);
        }
    }

    /** The bootstrap servers, host:port. */
    public String bootstrap() {
        return kafka.getBrokersAsString();
    }

    @Override
    public void close() {
        kafka.destroy();
    }
}
