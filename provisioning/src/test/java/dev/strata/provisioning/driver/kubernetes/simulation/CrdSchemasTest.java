package dev.strata.provisioning.driver.kubernetes.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated API server against the operators' real CRDs ({@code ../shared/crds}): what it refuses (422 with
 * the API server's field causes), what it prunes and what defaults it writes, construct by construct, through
 * HTTP as the drivers meet them.
 */
class CrdSchemasTest {

    private static final String NS = "crd-schemas-test";
    private static ApiServerSimulation apiServer;
    private static int serial;

    @BeforeAll
    static void start() {
        apiServer = ApiServerSimulation.start(0);
    }

    @AfterAll
    static void stop() {
        apiServer.close();
    }

    private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> kind(
            String apiVersion, String kind) {
        return apiServer.client().genericKubernetesResources(apiVersion, kind).inNamespace(NS);
    }

    /** PerconaServerMongoDB at a version the client's discovery does not pick (not the storage version). */
    private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> psmdb(
            String version) {
        return apiServer.client().genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup("psmdb.percona.com").withVersion(version).withPlural("perconaservermongodbs").withKind("PerconaServerMongoDB")
                .withNamespaced(true).build()).inNamespace(NS);
    }

    private static GenericKubernetesResource object(String apiVersion, String kind, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("x" + serial++).withNamespace(NS).build());
        r.setAdditionalProperty("spec", spec);
        return r;
    }

    private static GenericKubernetesResource cluster(Map<String, Object> spec) {
        return object("postgresql.cnpg.io/v1", "Cluster", spec);
    }

    private static GenericKubernetesResource create(GenericKubernetesResource r) {
        return kind(r.getApiVersion(), r.getKind()).resource(r).create();
    }

    /** The 422 the API server answers to creating {@code r}. */
    private static KubernetesClientException refused(GenericKubernetesResource r) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> create(r));
        assertThat(e).as("refused: " + r.getAdditionalProperties()).isNotNull();
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
        return e;
    }

    private static StatusCause cause(KubernetesClientException e, String field) {
        return e.getStatus().getDetails().getCauses().stream().filter(c -> field.equals(c.getField())).findFirst()
                .orElseThrow(() -> new AssertionError("no cause for " + field + " in " + e.getStatus()));
    }

    private static Object at(GenericKubernetesResource r, String dotted) {
        return OperatorSimulator.get(r, dotted.split("\\."));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyCrdOfTheSharedDirectoryIsServed() {
        CrdSchemas schemas = CrdSchemas.load();
        assertThat(schemas.names()).contains("postgresql.cnpg.io/clusters", "postgresql.cnpg.io/backups",
                "postgresql.cnpg.io/scheduledbackups", "barmancloud.cnpg.io/objectstores", "k8s.mariadb.com/mariadbs",
                "k8s.mariadb.com/physicalbackups", "k8s.mariadb.com/pointintimerecoveries", "redis.redis.opstreelabs.in/redis",
                "psmdb.percona.com/perconaservermongodbs", "psmdb.percona.com/perconaservermongodbbackups",
                "psmdb.percona.com/perconaservermongodbrestores");
        assertThat(schemas.uncheckedRules()).as("CEL rules that do not compile with the standard library and isURL (not checked)")
                .isEmpty();
        assertThat(apiServer.client().apiextensions().v1().customResourceDefinitions().withName("backups.postgresql.cnpg.io").get())
                .isNotNull();
    }

    @Test
    void aMissingCrdDirectoryIsAClearFailure() {
        System.setProperty(CrdSchemas.DIRECTORY_PROPERTY, "/nonexistent/crds");
        try {
            assertThatThrownBy(CrdSchemas::directory).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("strata.crds=/nonexistent/crds is not a directory");
        } finally {
            System.clearProperty(CrdSchemas.DIRECTORY_PROPERTY);
        }
        assertThat(CrdSchemas.directory()).as("found walking up from " + System.getProperty("user.dir"))
                .endsWith(java.nio.file.Path.of("shared", "crds"));
    }

    @Test
    void typesAreCheckedIntegerIsNotNumberAndIntOrStringTakesBoth() {
        StatusCause type = cause(refused(cluster(map("instances", "three"))), "spec.instances");
        assertThat(type.getReason()).isEqualTo("FieldValueTypeInvalid");
        assertThat(type.getMessage()).contains("spec.instances in body must be of type integer: \"string\"");
        assertThat(cause(refused(cluster(map("instances", 1.5))), "spec.instances").getMessage()).contains("must be of type integer");
        assertThat(at(create(cluster(map("instances", 2.0))), "spec.instances")).as("an integral float is stored as an integer")
                .isEqualTo(2);

        GenericKubernetesResource quantities = create(cluster(map("instances", 1, "resources",
                map("requests", map("cpu", 1, "memory", "512Mi")))));
        assertThat(at(quantities, "spec.resources.requests")).isEqualTo(Map.of("cpu", 1, "memory", "512Mi"));
        assertThat(cause(refused(cluster(map("resources", map("requests", map("cpu", true))))), "spec.resources.requests[cpu]")
                .getMessage()).contains("must be of type integer or string");
        assertThat(cause(refused(cluster(map("resources", map("requests", map("memory", "lots"))))), "spec.resources.requests[memory]")
                .getMessage()).contains("should match '^(\\+|-)?");
        assertThat(cause(refused(cluster(map("postgresql", map("parameters", map("max_connections", 100))))),
                "spec.postgresql.parameters[max_connections]").getMessage()).as("an additionalProperties map's values")
                .contains("must be of type string");
    }

    @Test
    void boundsEnumsPatternsLengthsFormatsAndRequiredFields() {
        KubernetesClientException min = refused(cluster(map("instances", 0)));
        assertThat(cause(min, "spec.instances").getMessage()).isEqualTo("Invalid value: 0: spec.instances in body should be greater than or equal to 1");
        assertThat(min.getStatus().getMessage()).startsWith("Cluster.postgresql.cnpg.io \"x").contains("\" is invalid: spec.instances: Invalid value: 0");
        assertThat(min.getStatus().getDetails().getKind()).isEqualTo("Cluster");

        StatusCause notSupported = cause(refused(cluster(map("logLevel", "verbose"))), "spec.logLevel");
        assertThat(notSupported.getReason()).isEqualTo("FieldValueNotSupported");
        assertThat(notSupported.getMessage()).isEqualTo("Unsupported value: \"verbose\": supported values: \"error\", \"warning\", \"info\", \"debug\", \"trace\"");

        assertThat(cause(refused(cluster(map("serviceAccountName", "Not_A_Name"))), "spec.serviceAccountName").getMessage())
                .contains("should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'");
        assertThat(cause(refused(cluster(map("serviceAccountName", "a".repeat(254)))), "spec.serviceAccountName").getReason())
                .isEqualTo("FieldValueTooLong");

        StatusCause dateTime = cause(refused(object("k8s.mariadb.com/v1alpha1", "MariaDB",
                map("bootstrapFrom", map("targetRecoveryTime", "yesterday")))), "spec.bootstrapFrom.targetRecoveryTime");
        assertThat(dateTime.getMessage()).contains("must be of type date-time");
        assertThat(at(create(object("k8s.mariadb.com/v1alpha1", "MariaDB", map("bootstrapFrom",
                map("targetRecoveryTime", "2026-12-05T21:00:00Z")))), "spec.bootstrapFrom.targetRecoveryTime")).isEqualTo("2026-12-05T21:00:00Z");

        KubernetesClientException required = refused(cluster(map("externalClusters", List.of(map("connectionParameters", map())))));
        assertThat(cause(required, "spec.externalClusters[0].name").getReason()).isEqualTo("FieldValueRequired");
        assertThat(cause(refused(object("postgresql.cnpg.io/v1", "Backup", map())), "spec.cluster").getMessage())
                .isEqualTo("Required value");

        StatusCause duplicate = cause(refused(cluster(map("postgresql", map("extensions", List.of(map("name", "a"), map("name", "a")))))),
                "spec.postgresql.extensions[1]");
        assertThat(duplicate.getReason()).as("a list of type map keyed by name").isEqualTo("FieldValueDuplicate");
    }

    @Test
    void metadataIsCheckedAsTheApiServerChecksEveryObject() {
        GenericKubernetesResource longLabel = cluster(map("instances", 1));
        longLabel.getMetadata().setLabels(Map.of("strata.dev/database-id", "d".repeat(64)));
        assertThat(cause(refused(longLabel), "metadata.labels").getMessage()).contains("must be no more than 63 characters");
        GenericKubernetesResource badName = cluster(map("instances", 1));
        badName.getMetadata().setName("Upper_Case");
        assertThat(cause(refused(badName), "metadata.name").getMessage()).contains("a lowercase RFC 1123 subdomain");
    }

    @Test
    void unknownFieldsArePrunedUnlessTheSchemaPreservesThem() {
        GenericKubernetesResource c = cluster(map("instances", 1, "madeUp", "x", "storage", map("size", "1Gi", "bogus", true),
                "postgresql", map("parameters", map("work_mem", "4MB"))));
        c.setAdditionalProperty("extra", map("a", 1));
        GenericKubernetesResource stored = create(c);
        assertThat(at(stored, "spec.madeUp")).isNull();
        assertThat((Map<String, Object>) at(stored, "spec.storage")).containsEntry("size", "1Gi").doesNotContainKey("bogus");
        assertThat(stored.getAdditionalProperties()).doesNotContainKey("extra");
        assertThat(at(stored, "spec.postgresql.parameters")).as("a map keeps its keys").isEqualTo(Map.of("work_mem", "4MB"));
        assertThat(kind("postgresql.cnpg.io/v1", "Cluster").withName(c.getMetadata().getName()).get().getAdditionalProperties().get("spec"))
                .isEqualTo(stored.getAdditionalProperties().get("spec"));

        // a patch is pruned too
        GenericKubernetesResource patched = kind("postgresql.cnpg.io/v1", "Cluster").withName(c.getMetadata().getName()).edit(x -> {
            ((Map<String, Object>) x.getAdditionalProperties().get("spec")).put("alsoMadeUp", 1);
            return x;
        });
        assertThat(at(patched, "spec.alsoMadeUp")).isNull();

        // x-kubernetes-preserve-unknown-fields: PSMDB's served v1-12-0 keeps a spec it does not describe
        GenericKubernetesResource old = psmdb("v1-12-0").resource(object("psmdb.percona.com/v1-12-0", "PerconaServerMongoDB",
                map("anything", map("goes", 1)))).create();
        assertThat(at(old, "spec.anything.goes")).isEqualTo(1);
        KubernetesClientException unserved = catchThrowableOfType(KubernetesClientException.class,
                () -> psmdb("v1-9-0").resource(object("psmdb.percona.com/v1-9-0", "PerconaServerMongoDB", map())).create());
        assertThat(unserved.getCode()).as("a version the CRD does not serve").isEqualTo(404);
    }

    @Test
    void theSchemasDefaultsAreWrittenIntoWhatIsStored() {
        GenericKubernetesResource stored = create(cluster(map("storage", map("size", "1Gi"))));
        assertThat(at(stored, "spec.instances")).as("default of a required field, before validation").isEqualTo(1);
        assertThat(at(stored, "spec.logLevel")).isEqualTo("info");
        assertThat(at(stored, "spec.primaryUpdateMethod")).isEqualTo("restart");
        assertThat(at(stored, "spec.replicationSlots.highAvailability.enabled")).isEqualTo(true);
        assertThat(at(stored, "spec.replicationSlots.highAvailability.slotPrefix")).as("defaults inside a default")
                .isEqualTo("_cnpg_");

        GenericKubernetesResource nulls = cluster(map("logLevel", null, "imageName", null));
        GenericKubernetesResource n = create(nulls);
        assertThat(at(n, "spec.logLevel")).as("a null with a default gets the default").isEqualTo("info");
        assertThat(((Map<?, ?>) n.getAdditionalProperties().get("spec")).containsKey("imageName")).as("a null without one is dropped")
                .isFalse();
        assertThat(at(create(object("k8s.mariadb.com/v1alpha1", "MariaDB", map())), "spec.port")).isEqualTo(3306);
    }

    @Test
    void celRulesOfTheCrdsAreChecked() {
        KubernetesClientException exclusive = refused(cluster(map("imageName", "postgres:16",
                "imageCatalogRef", map("apiGroup", "postgresql.cnpg.io", "kind", "ImageCatalog", "name", "c", "major", 16))));
        assertThat(cause(exclusive, "spec").getMessage()).contains("imageName and imageCatalogRef are mutually exclusive");

        assertThat(cause(refused(object("psmdb.percona.com/v1", "PerconaServerMongoDB", map("vault", map("endpointURL", "not a url")))),
                "spec.vault.endpointURL").getMessage()).as("Kubernetes' isURL").contains("endpointURL must be a valid URL");

        GenericKubernetesResource galera = object("k8s.mariadb.com/v1alpha1", "MariaDB", map("replicas", 2, "galera", map("enabled", true)));
        assertThat(cause(refused(galera), "spec").getMessage()).contains("An odd number of MariaDB instances");

        // a transition rule: CloudNativePG's Backup spec is immutable once set
        GenericKubernetesResource backup = create(object("postgresql.cnpg.io/v1", "Backup", map("cluster", map("name", "a"))));
        assertThat(at(backup, "spec.method")).as("its default").isEqualTo("barmanObjectStore");
        KubernetesClientException immutable = catchThrowableOfType(KubernetesClientException.class,
                () -> kind("postgresql.cnpg.io/v1", "Backup").withName(backup.getMetadata().getName()).edit(x -> {
                    ((Map<String, Object>) x.getAdditionalProperties().get("spec")).put("cluster", map("name", "b"));
                    return x;
                }));
        assertThat(immutable.getCode()).isEqualTo(422);
        assertThat(cause(immutable, "spec").getMessage()).contains("BackupSpec is immutable once set");
        GenericKubernetesResource labelled = kind("postgresql.cnpg.io/v1", "Backup").withName(backup.getMetadata().getName()).edit(x -> {
            x.getMetadata().setLabels(Map.of("a", "b"));
            return x;
        });
        assertThat(labelled.getMetadata().getLabels()).as("the rule holds only the spec").containsEntry("a", "b");
    }

    @Test
    void problemsNameWhatTheApiServerWouldDropChangeOrRefuse() {
        CrdSchemas schemas = CrdSchemas.load();
        com.google.gson.JsonObject c = com.google.gson.JsonParser.parseString("""
                {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "c"},
                 "spec": {"instances": 1, "storage": {"size": "1Gi", "bogus": 1}, "logLevel": "loud", "failoverDelay": 2.0}}
                """).getAsJsonObject();
        assertThat(schemas.problems(c)).containsExactly("pruned: spec.storage.bogus",
                "invalid: spec.logLevel: Unsupported value: \"loud\": supported values: \"error\", \"warning\", \"info\", \"debug\", \"trace\"");
        c.getAsJsonObject("spec").remove("logLevel");
        c.getAsJsonObject("spec").getAsJsonObject("storage").remove("bogus");
        assertThat(schemas.problems(c)).as("defaults added and 2.0 stored as 2 are no problem").isEmpty();
        c.addProperty("apiVersion", "postgresql.cnpg.io/v2");
        assertThat(schemas.problems(c)).singleElement().asString().contains("does not serve v2");
    }

    @Test
    void anUpdateDoesNotFailOnInvalidValuesItLeavesUnchanged() {
        StructuralSchema schema = CrdSchemas.load().schema("postgresql.cnpg.io", "v1", "clusters");
        com.google.gson.JsonObject old = com.google.gson.JsonParser.parseString("""
                {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "c"},
                 "spec": {"instances": 0, "logLevel": "info"}}
                """).getAsJsonObject();
        com.google.gson.JsonObject relabelled = old.deepCopy();
        relabelled.getAsJsonObject("spec").addProperty("logLevel", "debug");
        assertThat(schema.validate(relabelled, old)).as("instances: 0 was stored under an older schema; ratcheted").isEmpty();
        assertThat(schema.validate(relabelled, null)).as("a create is checked whole").extracting(StructuralSchema.FieldError::field)
                .containsExactly("spec.instances");
        com.google.gson.JsonObject changed = relabelled.deepCopy();
        changed.getAsJsonObject("spec").addProperty("instances", -1);
        assertThat(schema.validate(changed, old)).extracting(StructuralSchema.FieldError::field).containsExactly("spec.instances");
    }

    @Test
    void aJsonPatchIntoAnObjectThatIsNotThereAndAStrategicMergePatchAreRefused() {
        GenericKubernetesResource c = create(cluster(map("instances", 1)));
        Resource<GenericKubernetesResource> r = kind("postgresql.cnpg.io/v1", "Cluster").withName(c.getMetadata().getName());
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> r.patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                "[{\"op\": \"add\", \"path\": \"/spec/bootstrap/initdb/database\", \"value\": \"orders\"}]"));
        assertThat(e.getCode()).as("RFC 6902: the parent must exist (the CRUD mock alone creates it)").isEqualTo(422);
        KubernetesClientException strategic = catchThrowableOfType(KubernetesClientException.class, () -> r.patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE),
                "{\"spec\": {\"instances\": 2}}"));
        assertThat(strategic.getCode()).as("custom resources have no strategic merge patch").isEqualTo(415);
    }

    @Test
    void theStatusSubresourceSeparatesSpecFromStatus() {
        GenericKubernetesResource c = cluster(map("instances", 1));
        c.setAdditionalProperty("status", map("phase", "made up by a client"));
        GenericKubernetesResource stored = create(c);
        assertThat(stored.getAdditionalProperties().get("status")).as("a create cannot set status").isNull();
        Resource<GenericKubernetesResource> r = kind("postgresql.cnpg.io/v1", "Cluster").withName(c.getMetadata().getName());

        GenericKubernetesResource viaStatus = r.editStatus(x -> {
            x.setAdditionalProperty("status", map("phase", "Cluster in healthy state", "madeUp", 1));
            ((Map<String, Object>) x.getAdditionalProperties().get("spec")).put("instances", 3);
            return x;
        });
        assertThat(at(viaStatus, "status.phase")).isEqualTo("Cluster in healthy state");
        assertThat(at(viaStatus, "status.madeUp")).as("status is pruned too").isNull();
        assertThat(at(viaStatus, "spec.instances")).as("a write of /status changes nothing else").isEqualTo(1);

        GenericKubernetesResource viaSpec = r.edit(x -> {
            x.setAdditionalProperty("status", map("phase", "changed by a client"));
            ((Map<String, Object>) x.getAdditionalProperties().get("spec")).put("instances", 2);
            return x;
        });
        assertThat(at(viaSpec, "spec.instances")).isEqualTo(2);
        assertThat(at(viaSpec, "status.phase")).as("a write of the resource cannot change status").isEqualTo("Cluster in healthy state");

        KubernetesClientException badStatus = catchThrowableOfType(KubernetesClientException.class, () -> r.editStatus(x -> {
            x.setAdditionalProperty("status", map("conditions", List.of(map("type", "Ready", "status", "True", "reason", "R", "message", ""))));
            return x;
        }));
        assertThat(cause(badStatus, "status.conditions[0].lastTransitionTime").getReason()).as("status is validated")
                .isEqualTo("FieldValueRequired");
    }
}
