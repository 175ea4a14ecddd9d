package com.vendstream.deploy.k8s;

import static com.vendstream.deploy.k8s.Rendered.name;
import static com.vendstream.deploy.k8s.Rendered.podLabels;
import static com.vendstream.deploy.k8s.Rendered.podSpec;
import static com.vendstream.deploy.k8s.Rendered.selects;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.vendstream.deploy.CheckoutDemo;
import com.vendstream.deploy.k8s.StrimziResources.Workload;
import com.vendstream.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay under {@code deploy/k8s/overlays}, rendered with {@code kubectl kustomize} and validated offline:
 * each document strictly against its kind's schema ({@link StrictManifests}), then the rules a payments team
 * deploys by (each rule names what it checks).
 */
class KubernetesManifestsTest {

    private static final List<String> SERVICES = StrimziResources.services();
    private static final int MANAGEMENT_PORT = 8081;
    private static final int API_PORT = 8080;
    private static final Map<String, Rendered> OVERLAYS = new HashMap<>();
    private static final StrictManifests STRICT = new StrictManifests();

    @BeforeAll
    static void render() {
        for (String overlay : List.of("local", "production")) {
            OVERLAYS.put(overlay, Rendered.overlay(overlay));
        }
    }

    private static Rendered overlay(String name) {
        return OVERLAYS.get(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyDocumentIsValidForItsKindWithNoUnknownField(String overlay) {
        Rendered rendered = overlay(overlay);
        assertThat(rendered.documents()).hasSizeGreaterThan(50);
        List<String> problems = rendered.documents().stream().flatMap(d -> STRICT.problems(d).stream()).toList();
        assertThat(problems).isEmpty();
        assertThat(rendered.documents()).allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText())
                .as(name(d)).isIn("vendstream", ""));
    }

    @Test
    void theValidatorRefusesUnknownFieldsWrongTypesAndUnknownKinds() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          readinessProbe: {httpGet: {path: /, prot: 8081}}
                """;
        assertThat(STRICT.problems(StrictManifests.documents(deployment).get(0)))
                .singleElement().asString().contains("prot");
        String topic = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: "6", replica: 3, config: {any.config: "1"}}
                """;
        assertThat(STRICT.problems(StrictManifests.documents(topic).get(0)))
                .anyMatch(p -> p.contains("spec.partitions: integer is required"))
                .anyMatch(p -> p.contains("spec.replica: unknown field"))
                .hasSize(2);
        String user = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization: {type: simple, acls: [{resource: {type: topic, name: t}, operations: [Wrte]}]}
                """;
        assertThat(STRICT.problems(StrictManifests.documents(user).get(0))).singleElement().asString().contains("Wrte");
        String v1beta2 = "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: t}\nspec: {}\n";
        assertThat(STRICT.problems(StrictManifests.documents(v1beta2).get(0))).singleElement().asString()
                .contains("no built-in kind nor vendored CRD");
    }

    // ---- the services' pods

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyServiceProbesItsManagementPortAndServesOnlyItsApiThroughItsService(String overlay) {
        Rendered rendered = overlay(overlay);
        JsonNode platform = rendered.get("ConfigMap", "vendstream-platform").path("data");
        assertThat(platform.path("MANAGEMENT_SERVER_PORT").asText()).isEqualTo("8081");
        assertThat(platform.path("SERVER_PORT").asText()).isEqualTo("8080");
        for (Workload workload : StrimziResources.WORKLOADS) {
            JsonNode pod = rendered.get(workload.kind(), workload.service());
            JsonNode container = podSpec(pod).path("containers").get(0);
            assertThat(container.path("envFrom").findValuesAsText("name")).contains("vendstream-platform");
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                JsonNode port = container.path(probe).path("httpGet").path("port");
                assertThat(containerPort(container, port)).as(workload.service() + " " + probe).isEqualTo(MANAGEMENT_PORT);
                assertThat(container.path(probe).path("httpGet").path("path").asText()).startsWith("/actuator/health/");
            }
            JsonNode annotations = pod.path("spec").path("template").path("metadata").path("annotations");
            assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8081");
            // No Service exposes a service's actuator but its -management one, which network policies guard.
            rendered.kind("Service").filter(s -> selects(s.path("spec").path("selector").isEmpty()
                            ? missing() : wrap(s.path("spec").path("selector")), podLabels(pod)))
                    .forEach(service -> service.path("spec").path("ports").forEach(p -> {
                        int target = containerPort(container, p.path("targetPort"));
                        assertThat(target).as(name(service)).isEqualTo(
                                name(service).endsWith("-management") ? MANAGEMENT_PORT : API_PORT);
                    }));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyPodRunsRestrictedWithResourcesAndAWritableTmpOnly(String overlay) {
        for (JsonNode owner : overlay(overlay).podOwners()) {
            JsonNode pod = podSpec(owner);
            String who = name(owner);
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(who).isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(who).isPositive();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).as(who)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(who).isFalse();
            List<JsonNode> containers = new ArrayList<>();
            pod.path("containers").forEach(containers::add);
            pod.path("initContainers").forEach(containers::add);
            for (JsonNode c : containers) {
                String at = who + "/" + c.path("name").asText();
                JsonNode security = c.path("securityContext");
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(at).isFalse();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(at).isTrue();
                assertThat(texts(security.path("capabilities").path("drop"))).as(at).containsExactly("ALL");
                assertThat(security.path("capabilities").has("add")).as(at).isFalse();
                assertThat(security.has("privileged") && security.path("privileged").asBoolean()).as(at).isFalse();
                assertThat(c.path("resources").path("requests").has("cpu")).as(at).isTrue();
                assertThat(c.path("resources").path("requests").has("memory")).as(at).isTrue();
                assertThat(c.path("resources").path("limits").has("memory")).as(at).isTrue();
            }
            if (SERVICES.contains(who)) {
                assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(who).isEqualTo(10001);
                JsonNode tmp = pod.path("containers").get(0).path("volumeMounts");
                String volume = stream(tmp).filter(m -> m.path("mountPath").asText().equals("/tmp"))
                        .map(m -> m.path("name").asText()).findFirst().orElseThrow(() -> new AssertionError(who + ": no /tmp"));
                assertThat(stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(volume))
                        .allMatch(v -> v.has("emptyDir"))).as(who + " /tmp").isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyWorkloadHasADisruptionBudgetAndANetworkPolicyOfItsOwn(String overlay) {
        Rendered rendered = overlay(overlay);
        List<JsonNode> budgets = rendered.kind("PodDisruptionBudget").toList();
        List<JsonNode> policies = rendered.kind("NetworkPolicy").toList();
        for (JsonNode workload : rendered.workloads()) {
            JsonNode labels = podLabels(workload);
            assertThat(budgets).as(name(workload) + " PDB")
                    .anyMatch(b -> selects(b.path("spec").path("selector"), labels));
            assertThat(policies).as(name(workload) + " NetworkPolicy").anyMatch(p ->
                    !p.path("spec").path("podSelector").isEmpty() && selects(p.path("spec").path("podSelector"), labels));
        }
        // Default deny: ingress for every pod, egress for ours; DNS allowed back.
        assertThat(policies).anyMatch(p -> p.path("spec").path("podSelector").isEmpty()
                && texts(p.path("spec").path("policyTypes")).contains("Ingress") && !p.path("spec").has("ingress"));
        for (JsonNode workload : rendered.podOwners()) {
            JsonNode labels = podLabels(workload);
            assertThat(policies).as(name(workload) + " default egress deny").anyMatch(p ->
                    selects(p.path("spec").path("podSelector"), labels)
                            && texts(p.path("spec").path("policyTypes")).contains("Egress") && !p.path("spec").has("egress"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void serviceTrafficIsOnlyWhatEachServiceNeeds(String overlay) {
        Rendered rendered = overlay(overlay);
        for (Workload workload : StrimziResources.WORKLOADS) {
            JsonNode labels = podLabels(rendered.get(workload.kind(), workload.service()));
            Set<Integer> ingressPorts = new TreeSet<>();
            Set<String> egressTo = new TreeSet<>();
            rendered.kind("NetworkPolicy").filter(p -> selects(p.path("spec").path("podSelector"), labels)).forEach(p -> {
                p.path("spec").path("ingress").forEach(rule -> rule.path("ports").forEach(port -> ingressPorts.add(port.path("port").asInt())));
                p.path("spec").path("egress").forEach(rule -> egressTo.add(name(p)));
            });
            Set<Integer> expectedIngress = new TreeSet<>(Set.of(MANAGEMENT_PORT));
            if (Set.of("order-service", "reconciliation-service", "ops-service").contains(workload.service())) {
                expectedIngress.add(API_PORT);
            }
            assertThat(ingressPorts).as(workload.service() + " ingress").isEqualTo(expectedIngress);
            assertThat(egressTo).as(workload.service() + " egress").contains("allow-dns", "kafka-clients",
                    "registry-clients", "mongodb-clients");
            boolean callsProviders = !workload.service().equals("ops-service");
            assertThat(egressTo.contains("provider-clients")).as(workload.service() + " providers").isEqualTo(callsProviders);
        }
        // Only the merchants' API, finance's and the back office are reachable from the ingress controller.
        Set<String> fromIngress = rendered.kind("NetworkPolicy")
                .filter(p -> p.path("spec").path("ingress").findValues("namespaceSelector").stream()
                        .anyMatch(s -> s.path("matchLabels").path("kubernetes.io/metadata.name").asText().equals("ingress-nginx")))
                .map(Rendered::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(fromIngress).containsExactly("ops-service", "order-service", "reconciliation-service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void orderServiceImportsTheCheckoutSigningKeysFromARequiredSecretFile(String overlay) {
        Rendered rendered = overlay(overlay);
        JsonNode pod = podSpec(rendered.get("Deployment", "order-service"));
        JsonNode container = pod.path("containers").get(0);
        assertThat(stream(container.path("env")).filter(e -> e.path("name").asText().equals("SPRING_CONFIG_IMPORT"))
                .map(e -> e.path("value").asText())).containsExactly("file:/etc/vendstream/checkout/signing-keys.yml");
        JsonNode mount = stream(container.path("volumeMounts"))
                .filter(m -> m.path("mountPath").asText().equals("/etc/vendstream/checkout")).findFirst()
                .orElseThrow(() -> new AssertionError("order-service mounts no checkout keys"));
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        JsonNode secret = stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(mount.path("name").asText()))
                .findFirst().orElseThrow().path("secret");
        assertThat(secret.path("secretName").asText()).isEqualTo("order-service-checkout-keys");
        assertThat(secret.path("optional").asBoolean(false)).as("the pod must not start without its keys").isFalse();
        assertThat(stream(secret.path("items")).map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                .containsExactly("signing-keys.yml->signing-keys.yml");
        if (overlay.equals("production")) {
            assertThat(rendered.find("Secret", "order-service-checkout-keys")).as("from the secret store").isEmpty();
        } else {
            // The local Secret holds CheckoutDemo's keys, as the settings order-service binds: they cannot drift.
            String file = new String(Base64.getDecoder().decode(rendered.get("Secret", "order-service-checkout-keys")
                    .path("data").path("signing-keys.yml").asText().replace("\n", "")), StandardCharsets.UTF_8);
            Map<String, Object> settings = new LinkedHashMap<>();
            flatten("", StrictManifests.documents(file).get(0), settings);
            assertThat(settings).isEqualTo(CheckoutDemo.signingKeys());
        }
    }

    /** A YAML tree as the property names Spring binds from it: a.b, a[0].c. */
    private static void flatten(String prefix, JsonNode node, Map<String, Object> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), into);
            }
        } else {
            into.put(prefix, node.asText());
        }
    }

    // ---- autoscaling

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyServiceScalesOnItsGroupsLagUpToItsPartitions(String overlay) {
        Rendered rendered = overlay(overlay);
        for (Workload workload : StrimziResources.WORKLOADS) {
            String service = workload.service();
            JsonNode scaled = rendered.get("ScaledObject", service).path("spec");
            assertThat(scaled.path("scaleTargetRef").path("kind").asText()).isEqualTo(workload.kind());
            assertThat(scaled.path("scaleTargetRef").path("name").asText()).isEqualTo(service);
            List<Topics> consumed = StrimziResources.consumedBy(service);
            int partitions = consumed.stream().mapToInt(Topics::partitions).min().orElseThrow();
            assertThat(scaled.path("maxReplicaCount").asInt()).as(service).isBetween(1, partitions);
            assertThat(scaled.path("minReplicaCount").asInt()).as(service).isBetween(1, scaled.path("maxReplicaCount").asInt());
            Set<String> topics = new TreeSet<>();
            for (JsonNode trigger : scaled.path("triggers")) {
                assertThat(trigger.path("type").asText()).isEqualTo("kafka");
                JsonNode metadata = trigger.path("metadata");
                assertThat(metadata.path("consumerGroup").asText()).isEqualTo(service);
                // earliest would count a fresh group's lag as the whole retained topic and scale it to the maximum.
                assertThat(metadata.path("offsetResetPolicy").asText()).as(service).isEqualTo("latest");
                topics.add(metadata.path("topic").asText());
                if (overlay.equals("production")) {
                    assertThat(metadata.path("bootstrapServers").asText()).endsWith(":9093");
                    assertThat(metadata.path("sasl").asText()).isEqualTo("scram_sha512");
                    assertThat(metadata.path("tls").asText()).isEqualTo("enable");
                    String auth = trigger.path("authenticationRef").path("name").asText();
                    assertThat(rendered.find("TriggerAuthentication", auth)).as(auth).isPresent();
                }
            }
            assertThat(topics).as(service).isEqualTo(consumed.stream().map(Topics::topic).collect(Collectors.toCollection(TreeSet::new)));
        }
        assertThat(rendered.get("ScaledObject", "ops-service").path("spec").path("maxReplicaCount").asInt())
                .as("ops-service keeps its sessions in memory").isEqualTo(1);
    }

    // ---- Kafka

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void kafkaIsKraftWithThreeBrokersDurableWritesAndNoAutoCreatedTopics(String overlay) {
        Rendered rendered = overlay(overlay);
        JsonNode kafka = rendered.get("Kafka", StrimziResources.CLUSTER).path("spec").path("kafka");
        JsonNode config = kafka.path("config");
        assertThat(config.path("min.insync.replicas").asInt()).isEqualTo(2);
        assertThat(config.path("default.replication.factor").asInt()).isEqualTo(3);
        assertThat(config.path("auto.create.topics.enable").asText()).isEqualTo("false");
        List<JsonNode> pools = rendered.kind("KafkaNodePool").toList();
        assertThat(pools).singleElement().satisfies(pool -> {
            assertThat(pool.path("spec").path("replicas").asInt()).isEqualTo(3);
            assertThat(texts(pool.path("spec").path("roles"))).containsExactlyInAnyOrder("controller", "broker");
        });
        assertThat(stream(kafka.path("listeners"))).anyMatch(l -> l.path("tls").asBoolean()
                && l.path("authentication").path("type").asText().equals("scram-sha-512"));
        if (overlay.equals("production")) {
            assertThat(stream(kafka.path("listeners"))).as("production listeners").allMatch(l -> l.path("tls").asBoolean()
                    && l.path("authentication").path("type").asText().equals("scram-sha-512"));
            assertThat(kafka.path("authorization").path("type").asText()).isEqualTo("simple");
            // Merchants' checkout systems reach Kafka from outside the cluster, over TLS with SCRAM, as `checkout`.
            assertThat(stream(kafka.path("listeners"))).as("production external listener").anyMatch(l ->
                    Set.of("loadbalancer", "route", "ingress").contains(l.path("type").asText())
                            && l.path("port").asInt() == 9094);
            JsonNode checkout = rendered.get("KafkaUser", StrimziResources.CHECKOUT).path("spec").path("authorization");
            assertThat(stream(checkout.path("acls")).map(a -> a.path("resource").path("type").asText() + ":"
                    + a.path("resource").path("name").asText() + ":" + texts(a.path("operations"))))
                    .containsExactly("topic:" + Topics.CHECKOUT_ORDERS.topic() + ":[Write, Describe]");
        } else {
            assertThat(stream(kafka.path("listeners"))).as("local listeners").allMatch(l -> l.path("type").asText().equals("internal"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyCatalogueTopicAndDeadLetterTopicIsAKafkaTopicReplicatedThreeTimes(String overlay) {
        Map<String, JsonNode> topics = new TreeMap<>();
        overlay(overlay).kind("KafkaTopic").forEach(t -> topics.put(t.path("spec").path("topicName").asText(), t.path("spec")));
        Set<String> expected = new TreeSet<>(Topics.deadLetterTopics());
        Arrays.stream(Topics.values()).forEach(t -> expected.add(t.topic()));
        assertThat(topics.keySet()).isEqualTo(expected).contains("_schemas");
        topics.forEach((name, spec) -> {
            assertThat(spec.path("replicas").asInt()).as(name).isEqualTo(3);
            assertThat(spec.path("config").path("min.insync.replicas").asText()).as(name).isEqualTo("2");
        });
        for (Topics t : Topics.values()) {
            JsonNode spec = topics.get(t.topic());
            assertThat(spec.path("partitions").asInt()).as(t.topic()).isEqualTo(t.partitions());
            t.configs().forEach((key, value) -> assertThat(spec.path("config").path(key).asText()).as(t.topic() + " " + key).isEqualTo(value));
            assertThat(spec.path("config").has("retention.ms")).as(t.topic()).isEqualTo(t.retention().isPresent());
            for (String dlq : t.deadLetters()) {
                JsonNode dead = topics.get(dlq);
                assertThat(dead.path("partitions").asInt()).as(dlq).isEqualTo(t.partitions());
                Topics.deadLetterConfigs().forEach((key, value) ->
                        assertThat(dead.path("config").path(key).asText()).as(dlq + " " + key).isEqualTo(value));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void eachTopicIsWrittenByItsCatalogueWriterAloneAndReDrivenOnlyByOpsService(String overlay) {
        Map<String, List<JsonNode>> aclsByUser = new TreeMap<>();
        overlay(overlay).kind("KafkaUser").forEach(u -> {
            assertThat(u.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            assertThat(u.path("spec").path("authorization").path("type").asText()).isEqualTo("simple");
            aclsByUser.put(name(u), stream(u.path("spec").path("authorization").path("acls")).toList());
        });
        assertThat(aclsByUser).containsKeys(SERVICES.toArray(String[]::new))
                .containsKeys(StrimziResources.SCHEMA_REGISTRY, StrimziResources.CHECKOUT, StrimziResources.KAFKA_UI);
        // No rule may write by wildcard or prefix: each written topic is named.
        aclsByUser.forEach((user, acls) -> acls.stream().filter(a -> texts(a.path("operations")).contains("Write"))
                .forEach(a -> {
                    assertThat(a.path("resource").path("patternType").asText()).as(user).isEqualTo("literal");
                    assertThat(a.path("resource").path("name").asText()).as(user).isNotEqualTo("*");
                    assertThat(a.path("resource").path("type").asText()).as(user).isEqualTo("topic");
                }));
        for (Topics t : Topics.values()) {
            Set<String> writers = usersWith(aclsByUser, "topic", t.topic(), "Write");
            Set<String> expected = new TreeSet<>(Set.of(t.writer()));
            if (!t.deadLetters().isEmpty()) {
                // The one exception: ops-service re-drives a dead letter's original record to its source topic.
                expected.add(StrimziResources.REDRIVER);
            }
            assertThat(writers).as(t.topic() + " writers").isEqualTo(expected);
            for (String group : t.consumerGroups()) {
                assertThat(usersWith(aclsByUser, "topic", t.topic(), "Read")).as(t.topic()).contains(group);
                assertThat(usersWith(aclsByUser, "group", group, "Read")).as(group).containsExactly(group);
                String dlq = t.deadLetter(group);
                assertThat(usersWith(aclsByUser, "topic", dlq, "Write")).as(dlq + " writers").containsExactly(group);
                assertThat(usersWith(aclsByUser, "topic", dlq, "Read")).as(dlq + " readers")
                        .contains(StrimziResources.REDRIVER);
            }
        }
        // Each user writes its catalogue topics and its own dead letters; beyond that only ops-service writes, and only
        // the topics that have dead letters (the deliberate re-drive exception, users.yaml's header).
        aclsByUser.forEach((user, acls) -> {
            Set<String> own = new TreeSet<>();
            Topics.writtenBy(user).forEach(t -> own.add(t.topic()));
            StrimziResources.consumedBy(user).forEach(t -> own.add(t.deadLetter(user)));
            Set<String> extra = acls.stream().filter(a -> texts(a.path("operations")).contains("Write"))
                    .map(a -> a.path("resource").path("name").asText()).filter(topic -> !own.contains(topic))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>();
            if (user.equals(StrimziResources.REDRIVER)) {
                Arrays.stream(Topics.values()).filter(t -> !t.deadLetters().isEmpty()).forEach(t -> expected.add(t.topic()));
                expected.removeAll(own);
                assertThat(expected).isNotEmpty();
            }
            assertThat(extra).as(user + " writes beyond its own topics").isEqualTo(expected);
        });
        assertThat(usersWith(aclsByUser, "topic", Topics.SCHEMAS.topic(), "Read")).contains(StrimziResources.SCHEMA_REGISTRY);
        // A service reads only the topics its group consumes (and ops-service the dead letters).
        for (String service : SERVICES) {
            Set<String> reads = aclsByUser.get(service).stream()
                    .filter(a -> a.path("resource").path("type").asText().equals("topic")
                            && texts(a.path("operations")).contains("Read"))
                    .map(a -> a.path("resource").path("name").asText()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = StrimziResources.consumedBy(service).stream().map(Topics::topic)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (service.equals(StrimziResources.REDRIVER)) {
                expected.addAll(Topics.deadLetterTopics());
            }
            assertThat(reads).as(service + " reads").isEqualTo(expected);
        }
    }

    private static Set<String> usersWith(Map<String, List<JsonNode>> aclsByUser, String type, String name, String operation) {
        Set<String> users = new TreeSet<>();
        aclsByUser.forEach((user, acls) -> acls.forEach(a -> {
            JsonNode resource = a.path("resource");
            String pattern = resource.path("name").asText();
            boolean matches = resource.path("patternType").asText("literal").equals("prefix")
                    ? name.startsWith(pattern) : pattern.equals(name) || pattern.equals("*");
            List<String> ops = texts(a.path("operations"));
            if (resource.path("type").asText().equals(type) && matches && (ops.contains(operation) || ops.contains("All"))) {
                users.add(user);
            }
        }));
        return users;
    }

    // ---- the overlays' differences

    @Test
    void productionHasNoSandboxNoOptionalSecretAndTheProductionProfile() {
        Rendered production = overlay("production");
        assertThat(production.text()).doesNotContain("sandbox").doesNotContain("optional: true");
        assertThat(production.kind("Secret").toList()).as("production Secrets come from the cluster's secret store").isEmpty();
        JsonNode platform = production.get("ConfigMap", "vendstream-platform").path("data");
        assertThat(platform.path("SPRING_PROFILES_ACTIVE").asText()).isEqualTo("production");
        platform.properties().forEach(e -> {
            if (e.getKey().endsWith("_BASE_URL")) {
                assertThat(e.getValue().asText()).as(e.getKey()).startsWith("https://");
            }
        });
        for (JsonNode workload : production.podOwners()) {
            JsonNode pod = podSpec(workload);
            assertThat(pod.findValues("optional")).as(name(workload)).allMatch(o -> !o.asBoolean());
            stream(pod.path("containers")).forEach(c -> assertThat(stream(c.path("envFrom"))
                    .filter(e -> e.has("secretRef")).allMatch(e -> !e.path("secretRef").path("optional").asBoolean()))
                    .isTrue());
        }
        for (String service : SERVICES) {
            assertThat(stream(podSpec(production.workloads().stream().filter(w -> name(w).equals(service)).findFirst().orElseThrow())
                    .path("containers").get(0).path("envFrom")).anyMatch(e -> e.path("secretRef").path("name").asText().equals("vendstream-secrets")))
                    .as(service + " requires vendstream-secrets").isTrue();
        }
    }

    @Test
    void productionGivesEveryServiceItsScramUserAndTheClusterCa() {
        Rendered production = overlay("production");
        JsonNode platform = production.get("ConfigMap", "vendstream-platform").path("data");
        assertThat(platform.path("VENDSTREAM_KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        assertThat(platform.path("VENDSTREAM_KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
        assertThat(platform.path("VENDSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION").asText()).isEqualTo("/etc/kafka-ca/ca.p12");
        assertThat(platform.path("VENDSTREAM_KAFKA_SSL_TRUSTSTORE_TYPE").asText()).isEqualTo("PKCS12");
        assertThat(platform.path("VENDSTREAM_KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(StrimziResources.TLS_BOOTSTRAP);
        assertThat(platform.path("VENDSTREAM_REGISTRY_URL").asText()).isEqualTo("http://schema-registry:8081");
        for (Workload workload : StrimziResources.WORKLOADS) {
            JsonNode pod = podSpec(production.get(workload.kind(), workload.service()));
            Map<String, JsonNode> env = new TreeMap<>();
            pod.path("containers").get(0).path("env").forEach(e -> env.put(e.path("name").asText(), e));
            String service = workload.service();
            assertThat(env.get("VENDSTREAM_KAFKA_SASL_USERNAME").path("value").asText()).isEqualTo(service);
            assertThat(production.find("KafkaUser", service)).isPresent();
            assertThat(secretKey(env.get("VENDSTREAM_KAFKA_SASL_PASSWORD"))).isEqualTo(service + "/password");
            assertThat(secretKey(env.get("VENDSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD"))).isEqualTo(StrimziResources.CLUSTER_CA_SECRET + "/ca.password");
            assertThat(secretKey(env.get("SPRING_MONGODB_URI"))).isEqualTo("vendstream-secrets/SPRING_MONGODB_URI");
            String caVolume = stream(pod.path("containers").get(0).path("volumeMounts"))
                    .filter(m -> m.path("mountPath").asText().equals("/etc/kafka-ca")).findFirst().orElseThrow().path("name").asText();
            JsonNode secret = stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(caVolume)).findFirst().orElseThrow().path("secret");
            assertThat(secret.path("secretName").asText()).isEqualTo(StrimziResources.CLUSTER_CA_SECRET);
            assertThat(secret.path("items").findValuesAsText("path")).containsExactly("ca.p12");
        }
    }

    private static String secretKey(JsonNode env) {
        assertThat(env).isNotNull();
        JsonNode ref = env.path("valueFrom").path("secretKeyRef");
        return ref.path("name").asText() + "/" + ref.path("key").asText();
    }

    @Test
    void localRunsTheSandboxAndPointsEveryProviderAtIt() {
        Rendered local = overlay("local");
        assertThat(local.find("Deployment", "provider-sandbox")).isPresent();
        JsonNode platform = local.get("ConfigMap", "vendstream-platform").path("data");
        List<String> urls = new ArrayList<>();
        platform.properties().forEach(e -> {
            if (e.getKey().endsWith("_BASE_URL")) {
                urls.add(e.getValue().asText());
            }
        });
        assertThat(urls).hasSize(5).allMatch(url -> url.startsWith("http://provider-sandbox/"));
        assertThat(platform.has("SPRING_PROFILES_ACTIVE")).isFalse();
        for (Workload workload : StrimziResources.WORKLOADS) {
            assertThat(local.get(workload.kind(), workload.service()).path("spec").path("replicas").asInt()).isEqualTo(1);
            assertThat(local.get("ScaledObject", workload.service()).path("spec").path("minReplicaCount").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void mongoDbIsAThreeMemberReplicaSetWithMajorityWrites(String overlay) {
        Rendered rendered = overlay(overlay);
        JsonNode mongo = rendered.get("StatefulSet", "mongodb");
        assertThat(mongo.path("spec").path("replicas").asInt()).isEqualTo(3);
        List<String> args = texts(podSpec(mongo).path("containers").get(0).path("args"));
        assertThat(args).containsSubsequence("--replSet", "rs0").contains("--keyFile");
        if (overlay.equals("local")) {
            String uri = new String(Base64.getDecoder().decode(rendered.get("Secret", "vendstream-secrets")
                    .path("data").path("SPRING_MONGODB_URI").asText().replace("\n", "")), StandardCharsets.UTF_8);
            assertThat(uri).contains("replicaSet=rs0", "w=majority", "readConcernLevel=majority", "journal=true")
                    .contains("mongodb-0.mongodb:27017", "mongodb-1.mongodb:27017", "mongodb-2.mongodb:27017");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyImageIsPinnedAndTheRegistryAndKafkaUiAreDeployed(String overlay) {
        Rendered rendered = overlay(overlay);
        List<String> images = rendered.podOwners().stream().flatMap(w -> Stream.concat(
                stream(podSpec(w).path("containers")), stream(podSpec(w).path("initContainers"))))
                .map(c -> c.path("image").asText()).toList();
        assertThat(images).allSatisfy(image -> assertThat(image).matches("[^:@]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})")
                .doesNotEndWith(":latest"));
        List<String> ours = images.stream().filter(i -> i.startsWith("vendstream/")).toList();
        for (String service : SERVICES) {
            assertThat(ours).anyMatch(i -> i.startsWith("vendstream/" + service + ":"));
        }
        if (overlay.equals("local")) {
            // What ./mvnw -pl <module> -am package jib:dockerBuild tags from this tree.
            assertThat(ours).allSatisfy(i -> assertThat(i.substring(i.indexOf(':') + 1)).as(i).isEqualTo(projectVersion()));
        } else {
            assertThat(ours).allSatisfy(i -> assertThat(i).as("a release").matches("[^:]+:\\d+\\.\\d+\\.\\d+"));
        }
        assertThat(images).anyMatch(i -> i.matches("confluentinc/cp-schema-registry:\\d+\\.\\d+\\.\\d+"))
                .anyMatch(i -> i.matches("ghcr.io/kafbat/kafka-ui:v\\d+\\.\\d+\\.\\d+"));
        JsonNode ui = podSpec(rendered.get("Deployment", "kafka-ui")).path("containers").get(0);
        assertThat(stream(ui.path("env")).anyMatch(e -> e.path("name").asText().equals("KAFKA_CLUSTERS_0_SCHEMAREGISTRY")
                && e.path("value").asText().equals("http://schema-registry:8081"))).isTrue();
    }

    // ---- helpers

    /** The root pom's own version (not its parent's). */
    private static String projectVersion() {
        try {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(Rendered.REPOSITORY.resolve("pom.xml").toFile()).getDocumentElement();
            for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child.getNodeName().equals("version")) {
                    return child.getTextContent().trim();
                }
            }
            throw new AssertionError("the root pom has no version");
        } catch (Exception e) {
            throw new AssertionError("cannot read the root pom", e);
        }
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return stream(container.path("ports")).filter(p -> p.path("name").asText().equals(port.asText()))
                .mapToInt(p -> p.path("containerPort").asInt()).findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + port));
    }

    private static JsonNode wrap(JsonNode matchLabels) {
        return StrictManifests.YAML.createObjectNode().set("matchLabels", matchLabels);
    }

    private static JsonNode missing() {
        return StrictManifests.YAML.createObjectNode().set("matchLabels",
                StrictManifests.YAML.createObjectNode().put("\u0000", "\u0000"));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    private static List<String> texts(JsonNode array) {
        return stream(array).map(JsonNode::asText).collect(Collectors.toCollection(ArrayList::new));
    }
}
