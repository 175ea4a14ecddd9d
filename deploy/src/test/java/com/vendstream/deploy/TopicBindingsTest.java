package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaBindingProperties;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.cloud.stream.config.BindingProperties;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * The Spring Cloud Stream bindings of every service, as the repository configures them, checked against the
 * topic catalogue ({@link Topics}): destinations are typed by hand in each service's YAML, so a typo or a
 * second writer would otherwise only show on a running stack (a consumer waiting on a topic nobody writes, a
 * producer creating a stray topic). Properties are bound with the binder's own classes, as the services bind
 * them: service-kit's {@code vendstream-kafka.yml}, which each service imports ({@code spring.config.import}), over
 * the service's own file, as Spring Boot orders an imported file before the one that imports it.
 */
class TopicBindingsTest {

    /** The services with Kafka bindings: module directory, application name and consumer group are one name. */
    private static final List<String> SERVICES =
            List.of("order-service", "vend-service", "status-poller", "reconciliation-service", "ops-service");
    /** Writers in the catalogue that are not bound services: merchants' checkout, and the registry's own log. */
    private static final Set<String> OTHER_WRITERS = Set.of("checkout", "schema-registry");

    private static final Pattern INPUT = Pattern.compile("(.+)-in-\\d+");
    /** A binding name in main code: what the outbox relay hands to StreamBridge. */
    private static final Pattern OUTPUT_NAME = Pattern.compile("\"([A-Za-z0-9]+-out(?:-\\d+)?)\"");
    /** Ways to produce around the bindings (and so around this check). */
    private static final Pattern DIRECT_PRODUCER =
            Pattern.compile("\\b(KafkaTemplate|KafkaProducer|ProducerRecord|StreamBridge)\\b");

    record Bindings(String service, String application, List<String> functions,
                    Map<String, BindingProperties> bindings, Map<String, KafkaBindingProperties> kafka) {
    }

    @Test
    void everyBindingMatchesTheCatalogue() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> writers = new TreeMap<>();
        Set<String> deadLetters = new TreeSet<>();
        for (String service : SERVICES) {
            Bindings bindings = load(service);
            check(bindings, problems, writers, deadLetters);
            checkMainCode(bindings, problems);
        }
        for (Topics t : Topics.values()) {
            Set<String> written = writers.getOrDefault(t.topic(), Set.of());
            if (SERVICES.contains(t.writer()) && !written.equals(Set.of(t.writer()))) {
                problems.add(t.topic() + ": the catalogue's writer is " + t.writer() + ", output bindings of "
                        + written + " name it");
            } else if (!SERVICES.contains(t.writer()) && !OTHER_WRITERS.contains(t.writer())) {
                problems.add(t.topic() + ": its writer " + t.writer() + " is no known producer");
            }
        }
        writers.keySet().stream().filter(topic -> Topics.byName(topic).isEmpty())
                .forEach(topic -> problems.add(topic + " is written by " + writers.get(topic) + " but not in Topics"));
        // The input bindings' topics and groups, as dead-letter names: exactly those the catalogue implies.
        if (!deadLetters.equals(new TreeSet<>(Topics.deadLetterTopics()))) {
            problems.add("dead-letter topics of the input bindings " + deadLetters + " differ from the catalogue's "
                    + new TreeSet<>(Topics.deadLetterTopics()));
        }
        assertThat(problems).as("bindings against com.vendstream.schemas.topic.Topics").isEmpty();
    }

    /**
     * A producer outside the bindings would be a writer this test cannot see, so every class of the runtime
     * modules that can produce is known here: the services have none (they send through their outbox and
     * bindings) but ops-service's dead-letter re-drive (no event of its own: a dead letter's bytes back to the
     * topic the catalogue names for it); deploy's tools (which stand in for checkout) are not a runtime module.
     */
    @Test
    void nothingElseProducesToKafka() throws IOException {
        Map<String, String> known = Map.of(
                "schema-registry/.../KafkaSchemaLog.java", "the writer of _schemas",
                "service-kit/.../BinderSends.java", "the outbox relay's sends, through the output bindings",
                "service-kit/.../OutboxConfiguration.java", "wires BinderSends to StreamBridge",
                "service-kit/.../DeadLetters.java", "dead letters, to <topic>.<group>.dlq",
                "service-kit/.../ConsumerFailures.java", "DeadLetters' producer",
                "service-kit/.../Redrive.java", "sends a dead letter's original bytes back to its topic",
                "service-kit/.../LogSafe.java", "formats ProducerRecords for logs; sends nothing",
                "service-kit/.../DeadLetterRecords.java", "makes the record that re-drives a dead letter; sends nothing",
                "ops-service/.../KafkaDeadLetterLog.java",
                "an operator's re-drive: one catalogue dead letter's original bytes back to its source topic");
        Set<String> producing = new TreeSet<>();
        for (String module : Stream.concat(Stream.of("schemas", "schema-registry", "service-kit", "providers",
                "provider-sandbox"), SERVICES.stream()).toList()) {
            try (Stream<Path> files = Files.walk(Path.of("..", module, "src/main/java"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (DIRECT_PRODUCER.matcher(Files.readString(file)).find()) {
                        producing.add(module + "/.../" + file.getFileName());
                    }
                }
            }
        }
        assertThat(producing).as("classes that can produce to Kafka outside the output bindings")
                .containsExactlyInAnyOrderElementsOf(known.keySet());
    }

    private static void check(Bindings b, List<String> problems, Map<String, Set<String>> writers,
                              Set<String> deadLetters) {
        String at = b.service() + " ";
        if (!b.service().equals(b.application())) {
            problems.add(at + "spring.application.name is " + b.application());
        }
        for (String function : b.functions()) {
            if (!b.bindings().containsKey(function + "-in-0")) {
                problems.add(at + "function " + function + " has no " + function + "-in-0 binding with a destination"
                        + " (it would read a topic named after the binding)");
            }
        }
        // A Kafka setting under a name that is no binding (a typo) would be dropped without a word.
        b.kafka().keySet().stream().filter(name -> !b.bindings().containsKey(name))
                .forEach(name -> problems.add(at + "Kafka settings for " + name + ", which is not a binding"));
        b.bindings().forEach((name, binding) -> {
            String where = at + "binding " + name + ": ";
            List<String> topics = binding.getDestination() == null ? List.of()
                    : Arrays.stream(binding.getDestination().split(",")).map(String::trim).toList();
            if (topics.isEmpty() || topics.contains("")) {
                problems.add(where + "no destination");
                return;
            }
            topics.stream().filter(topic -> Topics.byName(topic).isEmpty())
                    .forEach(topic -> problems.add(where + topic + " is not a topic of Topics"));
            Matcher input = INPUT.matcher(name);
            if (!input.matches()) {
                if (topics.size() != 1) {
                    problems.add(where + "an output names one topic");
                }
                topics.forEach(topic -> writers.computeIfAbsent(topic, k -> new TreeSet<>()).add(b.service()));
                topics.stream().flatMap(topic -> Topics.byName(topic).stream())
                        .filter(t -> !t.writer().equals(b.service()))
                        .forEach(t -> problems.add(where + t.topic() + " is written by " + t.writer()
                                + " (Topics: one writer per topic)"));
                return;
            }
            if (!b.functions().contains(input.group(1))) {
                problems.add(where + input.group(1) + " is not in spring.cloud.function.definition");
            }
            String group = binding.getGroup();
            if (group == null || !group.equals(b.service())) {
                // Without a group the binder makes an anonymous one: a new offset and dead-letter name each start.
                problems.add(where + "group is " + group + ", not " + b.service());
                return;
            }
            KafkaConsumerProperties kafka = b.kafka().containsKey(name) ? b.kafka().get(name).getConsumer() : null;
            if (kafka != null && kafka.isEnableDlq()) {
                problems.add(where + "enable-dlq is set; dead letters are service-kit's");
            }
            for (String topic : topics) {
                Topics.byName(topic).filter(t -> !t.consumerGroups().contains(group))
                        .ifPresent(t -> problems.add(where + "group " + group + " is not a consumer group of "
                                + topic + " in Topics " + t.consumerGroups()));
                deadLetters.add(Topics.deadLetter(topic, group));
            }
            if (kafka != null && kafka.getDlqName() != null) {
                // service-kit dead-letters by the catalogue's rule and never asks the binder's DLQ resolver.
                problems.add(where + "dlq-name " + kafka.getDlqName() + " would be ignored: dead letters go to "
                        + topics.stream().map(topic -> Topics.deadLetter(topic, group)).toList());
            }
        });
    }

    /**
     * Main code sends through the outbox, by binding name: each name must be a binding with a destination
     * (StreamBridge would otherwise create a topic named after it).
     */
    private static void checkMainCode(Bindings b, List<String> problems) {
        String service = b.service();
        try (Stream<Path> files = Files.walk(Path.of("..", service, "src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = Files.readString(file);
                Matcher name = OUTPUT_NAME.matcher(code);
                while (name.find()) {
                    if (!b.bindings().containsKey(name.group(1))) {
                        problems.add(service + " " + file.getFileName() + " sends to binding " + name.group(1)
                                + ", which its YAML does not bind");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's properties as the service binds them: service-kit's imported file over its own. */
    private static Bindings load(String service) {
        StandardEnvironment environment = new StandardEnvironment();
        for (Path file : List.of(Path.of("../service-kit/src/main/resources/vendstream-kafka.yml"),
                Path.of("..", service, "src/main/resources", service + ".yml"))) {
            try {
                for (PropertySource<?> source : new YamlPropertySourceLoader()
                        .load(file.toString(), new FileSystemResource(file))) {
                    environment.getPropertySources().addLast(source);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Binder binder = Binder.get(environment);
        String definition = binder.bind("spring.cloud.function.definition", String.class).orElse("");
        List<String> functions = Arrays.stream(definition.split(";")).map(String::trim).filter(f -> !f.isEmpty())
                .toList();
        return new Bindings(service, binder.bind("spring.application.name", String.class).orElse(null), functions,
                binder.bind("spring.cloud.stream.bindings", Bindable.mapOf(String.class, BindingProperties.class))
                        .orElse(new LinkedHashMap<>()),
                binder.bind("spring.cloud.stream.kafka.bindings",
                        Bindable.mapOf(String.class, KafkaBindingProperties.class)).orElse(new LinkedHashMap<>()));
    }
}
