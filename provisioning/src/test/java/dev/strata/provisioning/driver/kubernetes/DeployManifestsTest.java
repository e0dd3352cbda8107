package dev.strata.provisioning.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the manifests that deploy Strata itself on Kubernetes ({@code deploy/kubernetes}) against the code: the
 * ClusterRole grants exactly the calls the Kubernetes driver makes, on the kinds it declares; the Deployment,
 * Service, ServiceAccount and binding fit together; and every setting is a documented {@code STRATA_} variable.
 * Runs with the provisioning module as working directory.
 */
class DeployManifestsTest {

    static final Path DIR = Path.of("..", "deploy", "kubernetes");
    static final Path README = Path.of("..", "README.md");
    static final String KUSTOMIZATION = "kustomization.yaml";

    static final Set<String> READ_WRITE = Set.of("get", "list", "create", "patch", "delete");

    /** What Strata calls, per kind: see {@link KubernetesApi} and its callers. */
    static final Map<ResourceKind, Set<String>> NEEDED = Map.ofEntries(
            Map.entry(CloudNativePgDriver.CLUSTER, READ_WRITE),
            Map.entry(MariaDbOperatorDriver.MARIADB, READ_WRITE),
            Map.entry(RedisOperatorDriver.REDIS, READ_WRITE),
            Map.entry(PerconaMongoDriver.PSMDB, READ_WRITE),
            Map.entry(ResourceKind.SECRET, READ_WRITE), // listed in every namespace by label
            Map.entry(ResourceKind.NAMESPACE, Set.of("get", "create")), // ensureNamespace
            Map.entry(ResourceKind.STATEFUL_SET, Set.of("get", "patch")), // hibernation scales to 0; mariadb-operator's rollout
            Map.entry(ResourceKind.POD, Set.of("get")), // CloudNativePG's instances: which spec they run
            Map.entry(ResourceKind.PERSISTENT_VOLUME_CLAIM, Set.of("get", "list")), // CloudNativePG's capacity; delete waits for all to go
            // backups: the Barman Cloud plugin's ObjectStore of each database (and of a restore's source) ...
            Map.entry(CloudNativePgDriver.OBJECT_STORE, Set.of("get", "create", "patch", "delete")),
            // ... and one Backup per backup, found again by label in any namespace when it is deleted
            Map.entry(CloudNativePgDriver.BACKUP, Set.of("get", "list", "create", "delete")),
            // mariadb-operator: one PhysicalBackup per backup, likewise
            Map.entry(MariaDbOperatorDriver.PHYSICAL_BACKUP, Set.of("get", "list", "create", "delete")),
            // the Percona operator: one backup resource per backup, and the restores that fill new clusters (listed
            // by label when their database is deleted)
            Map.entry(PerconaMongoDriver.BACKUP, Set.of("get", "list", "create", "delete")),
            Map.entry(PerconaMongoDriver.RESTORE, Set.of("get", "list", "create", "delete")));

    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

    /** One YAML document of one file. */
    record Doc(Path file, int index, Map<String, Object> body) {
        String kind() {
            return str(body.get("kind"));
        }

        String name() {
            return str(at(body, "metadata", "name"));
        }

        String namespace() {
            return str(at(body, "metadata", "namespace"));
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file.getFileName() + ", document " + (index + 1) + ")";
        }
    }

    static List<Doc> all;

    @BeforeAll
    static void load() throws IOException {
        assertThat(DIR).as("manifest directory (relative to %s)", Path.of("").toAbsolutePath()).isDirectory();
        all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : yamlFiles()) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int i = 0;
                for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                    if (o == null) { // an empty document, e.g. after a trailing '---'
                        i++;
                        continue;
                    }
                    if (o instanceof Map<?, ?> m) {
                        all.add(new Doc(file, i, cast(m)));
                    } else {
                        problems.add(file.getFileName() + ", document " + (i + 1) + ": not a mapping but " + o.getClass().getSimpleName());
                    }
                    i++;
                }
            } catch (RuntimeException e) { // snakeyaml's YAMLException and friends
                problems.add(file.getFileName() + ": does not parse: " + e.getMessage());
            }
        }
        report("manifests that do not load", problems);
    }

    @Test
    void everyDocumentHasApiVersionKindAndName() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (all.stream().noneMatch(d -> d.file().equals(file))) {
                problems.add(file.getFileName() + ": no YAML document in it");
            }
        }
        for (Doc d : all) {
            for (String field : List.of("apiVersion", "kind")) {
                if (blank(d.body().get(field))) {
                    problems.add(d + ": no " + field);
                }
            }
            if (blank(at(d.body(), "metadata", "name"))) {
                problems.add(d + ": no metadata.name");
            }
        }
        report("documents without apiVersion, kind or metadata.name", problems);
    }

    @Test
    void kustomizationListsEveryManifestAndNothingElse() throws IOException {
        Doc k = only("Kustomization");
        assertThat(k.file().getFileName()).as("the Kustomization's file").hasToString(KUSTOMIZATION);
        List<String> listed = list(k.body().get("resources")).stream().map(DeployManifestsTest::str).toList();
        Set<String> files = yamlFiles().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals(KUSTOMIZATION)).collect(Collectors.toCollection(TreeSet::new));
        List<String> problems = new ArrayList<>();
        files.stream().filter(f -> !listed.contains(f)).forEach(f -> problems.add(f + " is not listed in resources"));
        listed.stream().filter(f -> !files.contains(f)).forEach(f -> problems.add("resources lists " + f + ", which is no manifest in " + DIR));
        listed.stream().filter(f -> listed.indexOf(f) != listed.lastIndexOf(f)).distinct()
                .forEach(f -> problems.add("resources lists " + f + " more than once"));
        report(KUSTOMIZATION + " resources " + listed + " against the manifests " + files, problems);
    }

    @Test
    void namespacedObjectsAreInStrataNamespace() {
        String ns = only("Namespace").name();
        List<String> problems = new ArrayList<>();
        for (Doc d : objects()) {
            if (d.kind() != null && CLUSTER_SCOPED.contains(d.kind())) {
                if (d.namespace() != null) {
                    problems.add(d + " is cluster-scoped but names namespace " + d.namespace());
                }
            } else if (!ns.equals(d.namespace())) {
                problems.add(d + ": metadata.namespace is " + d.namespace() + ", not " + ns);
            }
        }
        report("objects outside namespace " + ns, problems);
    }

    @Test
    void clusterRoleGrantsExactlyWhatTheDriverCalls() {
        Doc role = only("ClusterRole");
        Map<String, Set<String>> granted = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<Object> rules = list(at(role.body(), "rules"));
        for (int i = 0; i < rules.size(); i++) {
            Map<String, Object> rule = map(rules.get(i));
            for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs")) {
                List<String> values = strings(rule.get(field));
                if (values.stream().anyMatch(v -> v.contains("*"))) {
                    problems.add("rule " + (i + 1) + " grants " + field + " " + values + ": no wildcards");
                }
            }
            if (rule.containsKey("nonResourceURLs")) {
                problems.add("rule " + (i + 1) + " grants nonResourceURLs, which Strata does not call");
            }
            if (rule.containsKey("resourceNames")) {
                problems.add("rule " + (i + 1) + " is limited to resourceNames, but Strata's objects have generated names");
            }
            for (String group : strings(rule.get("apiGroups"))) {
                for (String resource : strings(rule.get("resources"))) {
                    granted.computeIfAbsent(key(group, resource), x -> new TreeSet<>()).addAll(strings(rule.get("verbs")));
                }
            }
        }
        Map<String, Set<String>> needed = new TreeMap<>();
        NEEDED.forEach((kind, verbs) -> needed.put(key(kind.group(), kind.plural()), new TreeSet<>(verbs)));
        needed.forEach((resource, verbs) -> {
            Set<String> has = granted.getOrDefault(resource, Set.of());
            Set<String> missing = new TreeSet<>(verbs);
            missing.removeAll(has);
            Set<String> extra = new TreeSet<>(has);
            extra.removeAll(verbs);
            if (has.isEmpty()) {
                problems.add(resource + ": not granted at all; Strata needs " + verbs);
            } else if (!missing.isEmpty()) {
                problems.add(resource + ": lacks " + missing + " (grants " + has + ", Strata needs " + verbs + ")");
            }
            if (!extra.isEmpty()) {
                problems.add(resource + ": grants " + extra + " beyond what Strata calls " + verbs);
            }
        });
        granted.keySet().stream().filter(r -> !needed.containsKey(r))
                .forEach(r -> problems.add(r + ": granted " + granted.get(r) + " but Strata never calls it"));
        report(role + " against the calls of the Kubernetes driver", problems);
    }

    @Test
    void clusterRoleBindingBindsTheRoleToTheServiceAccount() {
        Doc role = only("ClusterRole");
        Doc sa = only("ServiceAccount");
        Doc binding = only("ClusterRoleBinding");
        Map<String, Object> ref = map(at(binding.body(), "roleRef"));
        assertThat(ref.get("kind")).as("%s roleRef.kind", binding).isEqualTo("ClusterRole");
        assertThat(ref.get("apiGroup")).as("%s roleRef.apiGroup", binding).isEqualTo("rbac.authorization.k8s.io");
        assertThat(ref.get("name")).as("%s roleRef.name", binding).isEqualTo(role.name());
        List<Map<String, Object>> subjects = list(at(binding.body(), "subjects")).stream().map(DeployManifestsTest::map).toList();
        assertThat(subjects).as("%s subjects: ServiceAccount %s in namespace %s", binding, sa.name(), sa.namespace())
                .anySatisfy(s -> {
                    assertThat(s.get("kind")).isEqualTo("ServiceAccount");
                    assertThat(s.get("name")).isEqualTo(sa.name());
                    assertThat(s.get("namespace")).isEqualTo(sa.namespace());
                });
    }

    @Test
    void deploymentRunsAsTheServiceAccountAndExposesHttpAndS3() {
        Doc deployment = only("Deployment");
        Doc sa = only("ServiceAccount");
        assertThat(at(podSpec(), "serviceAccountName")).as("%s serviceAccountName", deployment).isEqualTo(sa.name());
        assertThat(deployment.namespace()).as("%s namespace (where its ServiceAccount is)", deployment).isEqualTo(sa.namespace());
        assertThat(containerPorts().values()).as("%s container ports (HTTP 8080, S3 STRATA_S3_PORT 9000)", deployment)
                .contains(8080, 9000);
    }

    @Test
    void serviceSelectsThePodsAndTargetsContainerPorts() {
        Doc deployment = only("Deployment");
        Doc service = only("Service");
        Map<String, Object> podLabels = map(at(deployment.body(), "spec", "template", "metadata", "labels"));
        Map<String, Object> selector = map(at(service.body(), "spec", "selector"));
        assertThat(selector).as("%s spec.selector", service).isNotEmpty();
        assertThat(podLabels).as("pod template labels of %s, which %s selects by %s", deployment, service, selector)
                .containsAllEntriesOf(selector);
        assertThat(podLabels).as("pod template labels of %s against its own spec.selector.matchLabels", deployment)
                .containsAllEntriesOf(map(at(deployment.body(), "spec", "selector", "matchLabels")));
        assertThat(service.namespace()).as("%s namespace", service).isEqualTo(deployment.namespace());

        Map<String, Integer> ports = containerPorts();
        List<String> problems = new ArrayList<>();
        for (Object o : list(at(service.body(), "spec", "ports"))) {
            Map<String, Object> port = map(o);
            Object target = port.getOrDefault("targetPort", port.get("port"));
            if (target instanceof Integer n ? !ports.containsValue(n) : !ports.containsKey(str(target))) {
                problems.add("port " + port.get("port") + " targets " + target + ", which the container does not have " + ports);
            }
        }
        report(service + " ports", problems);
    }

    @Test
    void everySettingIsADocumentedStrataVariable() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("STRATA_[A-Z0-9_]+").matcher(Files.readString(README, StandardCharsets.UTF_8));
        while (m.find()) {
            documented.add(m.group());
        }
        Map<String, String> set = new LinkedHashMap<>(); // name -> where
        List<String> problems = new ArrayList<>();
        for (Doc cm : objects().stream().filter(d -> "ConfigMap".equals(d.kind())).toList()) {
            map(cm.body().get("data")).forEach((k, v) -> {
                set.put(k, cm.toString());
                if (!(v instanceof String)) {
                    problems.add(k + " in " + cm + " is " + v + " as a YAML " + (v == null ? "null" : v.getClass().getSimpleName())
                            + "; ConfigMap values must be strings: quote it");
                }
            });
        }
        Map<String, Object> container = container();
        for (Object o : list(container.get("envFrom"))) {
            Map<String, Object> from = map(o);
            if (from.get("prefix") != null) {
                problems.add("envFrom with prefix " + from.get("prefix") + ": not supported by this check");
            }
            if (from.containsKey("configMapRef")) {
                String name = str(at(from, "configMapRef", "name"));
                if (objects().stream().noneMatch(d -> "ConfigMap".equals(d.kind()) && Objects.equals(d.name(), name))) {
                    problems.add("envFrom names ConfigMap " + name + ", which the manifests do not define");
                }
            } else {
                problems.add("envFrom " + from + ": only ConfigMaps of these manifests, whose keys can be checked; list Secret keys under env");
            }
        }
        for (Object o : list(container.get("env"))) {
            Map<String, Object> env = map(o);
            set.put(str(env.get("name")), "the Deployment's env");
            if (env.containsKey("value") && !(env.get("value") instanceof String)) {
                problems.add(env.get("name") + " in the Deployment's env is not a string: quote it");
            }
        }
        set.forEach((name, where) -> {
            if (!name.startsWith("STRATA_")) {
                problems.add(name + " (" + where + ") is no Strata setting: they all start with STRATA_");
            } else if (!documented.contains(name)) {
                problems.add(name + " (" + where + ") is not mentioned in " + README.normalize() + ": no such setting, or an undocumented one");
            }
        });
        report("environment variables set by the manifests", problems);
    }

    @Test
    void probesUseMicroProfileHealth() {
        Map<String, Object> container = container();
        Map<String, Integer> ports = containerPorts();
        assertThat(at(container, "readinessProbe", "httpGet", "path")).as("readinessProbe path").isEqualTo("/health/ready");
        assertThat(at(container, "livenessProbe", "httpGet", "path")).as("livenessProbe path").isEqualTo("/health/live");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Object port = at(container, probe, "httpGet", "port");
            assertThat(port instanceof Integer n ? n : ports.get(str(port))).as("%s port %s", probe, port).isEqualTo(8080);
        }
    }

    @Test
    void metadataLivesInTheCloudNativePgClusterOfTheManifests() {
        Doc cluster = all.stream().filter(d -> Objects.equals(d.kind(), CloudNativePgDriver.CLUSTER.kind())
                && Objects.equals(d.body().get("apiVersion"), CloudNativePgDriver.CLUSTER.apiVersion())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + CloudNativePgDriver.CLUSTER.apiVersion() + " Cluster for the metadata"));
        String db = str(at(cluster.body(), "spec", "bootstrap", "initdb", "database"));
        String url = configMapValue("STRATA_DB_URL");
        assertThat(url).as("STRATA_DB_URL: the read-write Service of %s and its database %s", cluster, db)
                .startsWith("jdbc:postgresql://" + cluster.name() + "-rw.")
                .endsWith("/" + db);
        Map<String, Map<String, Object>> env = list(container().get("env")).stream().map(DeployManifestsTest::map)
                .collect(Collectors.toMap(e -> str(e.get("name")), e -> e, (a, b) -> a));
        for (var expected : Map.of("STRATA_DB_USER", "username", "STRATA_DB_PASSWORD", "password").entrySet()) {
            Map<String, Object> ref = map(at(env.get(expected.getKey()), "valueFrom", "secretKeyRef"));
            assertThat(ref).as("%s from the Secret CloudNativePG makes for %s", expected.getKey(), cluster)
                    .containsEntry("name", cluster.name() + "-app")
                    .containsEntry("key", expected.getValue());
        }
    }

    @Test
    void dataDirectoryIsOnTheClaimAndTheDeploymentRecreates() {
        Doc deployment = only("Deployment");
        String dataDir = configMapValue("STRATA_DATA_DIR");
        Map<String, String> claims = new LinkedHashMap<>(); // volume name -> claim
        for (Object o : list(at(podSpec(), "volumes"))) {
            Map<String, Object> v = map(o);
            if (at(v, "persistentVolumeClaim", "claimName") != null) {
                claims.put(str(v.get("name")), str(at(v, "persistentVolumeClaim", "claimName")));
            }
        }
        String volume = list(container().get("volumeMounts")).stream().map(DeployManifestsTest::map)
                .filter(vm -> dataDir.equals(vm.get("mountPath"))).map(vm -> str(vm.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at STRATA_DATA_DIR " + dataDir + " in " + deployment));
        assertThat(claims).as("volume %s mounted at %s", volume, dataDir).containsKey(volume);
        Doc pvc = only("PersistentVolumeClaim");
        assertThat(claims.get(volume)).as("claim of volume %s", volume).isEqualTo(pvc.name());
        if (strings(at(pvc.body(), "spec", "accessModes")).contains("ReadWriteOnce")) {
            assertThat(at(deployment.body(), "spec", "strategy", "type"))
                    .as("%s strategy: %s is ReadWriteOnce, so the old pod must stop before the new one starts", deployment, pvc)
                    .isEqualTo("Recreate");
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        }
    }

    /** The Kubernetes objects, without the Kustomization. */
    static List<Doc> objects() {
        return all.stream().filter(d -> !"Kustomization".equals(d.kind())).toList();
    }

    static Doc only(String kind) {
        List<Doc> found = all.stream().filter(d -> kind.equals(d.kind())).toList();
        assertThat(found).as("documents of kind %s in %s", kind, DIR).hasSize(1);
        return found.get(0);
    }

    static Map<String, Object> podSpec() {
        return map(at(only("Deployment").body(), "spec", "template", "spec"));
    }

    static Map<String, Object> container() {
        List<Object> containers = list(podSpec().get("containers"));
        assertThat(containers).as("containers of %s", only("Deployment")).hasSize(1);
        return map(containers.get(0));
    }

    /** Container port name (or the number as text when unnamed) to number. */
    static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object o : list(container().get("ports"))) {
            Map<String, Object> p = map(o);
            Object port = p.get("containerPort");
            Integer n = port instanceof Integer i ? i : null; // a quoted port is no port for Kubernetes either
            ports.put(p.get("name") != null ? str(p.get("name")) : String.valueOf(n), n);
        }
        return ports;
    }

    static String configMapValue(String key) {
        return objects().stream().filter(d -> "ConfigMap".equals(d.kind())).map(d -> map(d.body().get("data")).get(key))
                .filter(Objects::nonNull).map(DeployManifestsTest::str).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap sets " + key));
    }

    static String key(String group, String resource) {
        return group.isEmpty() ? resource + " (core)" : resource + "." + group;
    }

    static void report(String what, Collection<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ":\n  " + String.join("\n  ", problems));
        }
    }

    static Object at(Object node, String... path) {
        Object o = node;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(p);
        }
        return o;
    }

    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static List<String> strings(Object o) {
        return list(o).stream().map(DeployManifestsTest::str).toList();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    static boolean blank(Object o) {
        return o == null || String.valueOf(o).isBlank();
    }
}
