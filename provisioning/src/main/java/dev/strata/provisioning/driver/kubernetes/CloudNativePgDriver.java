package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.shared.ConflictException;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL through CloudNativePG: a {@code postgresql.cnpg.io/v1 Cluster} with one instance, the database and its
 * owner made by {@code bootstrap.initdb}; CloudNativePG writes the connection details into the {@code <cluster>-app}
 * Secret. Sleep is CloudNativePG's declarative hibernation (annotation {@code cnpg.io/hibernation}): the pods go,
 * the volumes stay.
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class CloudNativePgDriver extends OperatorDriver {

    public static final ResourceKind CLUSTER = new ResourceKind("postgresql.cnpg.io", "v1", "clusters", "Cluster");
    public static final String HIBERNATION = "cnpg.io/hibernation";

    public CloudNativePgDriver() {
    }

    public CloudNativePgDriver(KubernetesCluster cluster) {
        super(cluster);
    }

    @Override
    protected Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    protected String defaultVersions() {
        return "17,16,15";
    }

    @Override
    protected String defaultImage() {
        return "ghcr.io/cloudnative-pg/postgresql:{version}";
    }

    @Override
    protected ResourceKind kind() {
        return CLUSTER;
    }

    @Override
    protected Map<String, String> annotations(InstanceSpec spec) {
        return Map.of(HIBERNATION, spec.sleeping() ? "on" : "off");
    }

    @Override
    protected JsonObject spec(InstanceSpec spec, Target target) {
        long sharedBuffersMb = Math.max(32, spec.memory().bytes() / 4 / (1024 * 1024));
        return Json.obj(
                "instances", 1,
                "imageName", image(spec),
                "storage", Json.obj("size", storageSize(spec), "storageClass", storageClass(spec)),
                "resources", resources(spec),
                "postgresql", Json.obj("parameters", Json.obj("shared_buffers", sharedBuffersMb + "MB")),
                "bootstrap", Json.obj("initdb", Json.obj("database", spec.databaseName(), "owner", spec.username())));
    }

    @Override
    protected List<String> operatorSecrets(Target target) {
        return List.of(appSecret(target));
    }

    static String appSecret(Target target) {
        return target.name() + "-app";
    }

    @Override
    protected String notReadyReason(JsonObject cluster, InstanceSpec spec, Target target) {
        long wanted = Json.number(cluster, "spec", "instances").orElse(1L);
        long ready = Json.number(cluster, "status", "readyInstances").orElse(0L);
        if (ready == wanted && Json.conditionCurrent(cluster, "Ready")) {
            return null;
        }
        String phase = Json.string(cluster, "status", "phase").orElse("waiting for CloudNativePG");
        return "Cluster " + target.name() + ": " + phase + " (" + ready + "/" + wanted + " instances ready)";
    }

    @Override
    protected String notAsleepReason(JsonObject cluster, InstanceSpec spec, Target target) {
        if (Json.conditionTrue(cluster, HIBERNATION)) {
            return null;
        }
        return "Cluster " + target.name() + ": hibernating"
                + Json.conditionMessage(cluster, HIBERNATION).map(m -> " (" + m + ")").orElse("");
    }

    @Override
    protected ConnectionInfo connection(InstanceSpec spec, Target target) {
        Map<String, String> app = cluster.api().secret(target.namespace(), appSecret(target)).orElseThrow(() ->
                new ConflictException("the connection details are not published yet: CloudNativePG writes them into Secret "
                        + appSecret(target) + " in namespace " + target.namespace() + " while the database is provisioning"));
        String host = app.getOrDefault("host", target.name() + "-rw");
        int port = Integer.parseInt(app.getOrDefault("port", "5432"));
        String db = app.getOrDefault("dbname", spec.databaseName());
        String user = app.getOrDefault("username", spec.username());
        String password = app.get("password");
        String uri = app.getOrDefault("uri", "postgresql://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + db);
        return new ConnectionInfo(uri, user, password, host, port, db,
                "jdbc:postgresql://" + host + ":" + port + "/" + db + "?user=" + enc(user) + "&password=" + enc(password));
    }
}
