package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * MySQL through mariadb-operator: a {@code k8s.mariadb.com/v1alpha1 MariaDB} with the database, its user and
 * Secrets holding the passwords Strata generated. Sleep: the resource is suspended ({@code spec.suspend}, so the
 * operator leaves it alone) and its StatefulSet scaled to zero; waking lifts the suspension and the operator
 * scales it back.
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class MariaDbOperatorDriver extends OperatorDriver {

    public static final ResourceKind MARIADB = new ResourceKind("k8s.mariadb.com", "v1alpha1", "mariadbs", "MariaDB");

    public MariaDbOperatorDriver() {
    }

    public MariaDbOperatorDriver(KubernetesCluster cluster) {
        super(cluster);
    }

    @Override
    protected Engine engine() {
        return Engine.MYSQL;
    }

    @Override
    protected String defaultVersions() {
        return "11.4,10.11";
    }

    @Override
    protected String defaultImage() {
        return "docker-registry1.mariadb.com/library/mariadb:{version}";
    }

    @Override
    protected ResourceKind kind() {
        return MARIADB;
    }

    static String passwordSecret(Target t) {
        return t.name() + "-password";
    }

    static String rootSecret(Target t) {
        return t.name() + "-root";
    }

    @Override
    protected Map<String, Map<String, String>> ownSecrets(InstanceSpec spec, Target t) {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        secrets.put(passwordSecret(t), Map.of("password", spec.password()));
        secrets.put(rootSecret(t), Map.of("password", spec.adminPassword()));
        return secrets;
    }

    @Override
    protected JsonObject spec(InstanceSpec spec, Target t) {
        long bufferPoolMb = Math.max(64, spec.memory().bytes() / 2 / (1024 * 1024));
        return Json.obj(
                "image", image(spec),
                "port", 3306,
                "rootPasswordSecretKeyRef", Json.obj("name", rootSecret(t), "key", "password", "generate", false),
                "database", spec.databaseName(),
                "username", spec.username(),
                "passwordSecretKeyRef", Json.obj("name", passwordSecret(t), "key", "password", "generate", false),
                "storage", Json.obj("size", storageSize(spec), "storageClassName", storageClass(spec), "resizeInUseVolumes", true),
                "resources", resources(spec),
                "myCnf", "[mariadb]\nbind-address=*\ninnodb_buffer_pool_size=" + bufferPoolMb + "M\n",
                "suspend", spec.sleeping());
    }

    @Override
    protected void afterApply(JsonObject mariadb, InstanceSpec spec, Target t) {
        if (spec.sleeping()) {
            scaleToZero(t, t.name());
        }
    }

    @Override
    protected String notReadyReason(JsonObject mariadb, InstanceSpec spec, Target t) {
        if (Json.conditionCurrent(mariadb, "Ready")) {
            return null;
        }
        return "MariaDB " + t.name() + ": " + Json.conditionMessage(mariadb, "Ready").orElse("waiting for mariadb-operator");
    }

    @Override
    protected String notAsleepReason(JsonObject mariadb, InstanceSpec spec, Target t) {
        Optional<JsonObject> sts = statefulSet(t, t.name());
        long ready = sts.map(s -> readyReplicas(s)).orElse(0L);
        return ready == 0 ? null : "MariaDB " + t.name() + ": stopping (" + ready + " pod(s) still ready)";
    }

    @Override
    protected ConnectionInfo connection(InstanceSpec spec, Target t) {
        String host = serviceHost(t, t.name());
        int port = 3306;
        String uri = "mysql://" + enc(spec.username()) + ":" + enc(spec.password()) + "@" + host + ":" + port + "/" + spec.databaseName();
        return new ConnectionInfo(uri, spec.username(), spec.password(), host, port, spec.databaseName(),
                "jdbc:mariadb://" + host + ":" + port + "/" + spec.databaseName() + "?user=" + enc(spec.username())
                        + "&password=" + enc(spec.password()));
    }
}
