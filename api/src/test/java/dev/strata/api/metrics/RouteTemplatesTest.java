package dev.strata.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.api.database.DatabasesResource;
import dev.strata.api.project.ProjectsResource;
import dev.strata.api.storage.BucketsResource;
import dev.strata.api.webhook.WebhooksResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

    private static Method method(Class<?> type, String name) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theApisOwnRoutes() {
        RouteTemplates routes = new RouteTemplates();
        assertThat(routes.route("/api/v1/", DatabasesResource.class, method(DatabasesResource.class, "get")))
                .isEqualTo("/api/v1/workspaces/{wsId}/databases/{dbId}");
        assertThat(routes.route("/api/v1/", DatabasesResource.class, method(DatabasesResource.class, "list")))
                .isEqualTo("/api/v1/workspaces/{wsId}/databases");
        assertThat(routes.route("/api/v1/", DatabasesResource.class, method(DatabasesResource.class, "connection")))
                .isEqualTo("/api/v1/workspaces/{wsId}/databases/{dbId}/connection");
        assertThat(routes.route("/api/v1/", ProjectsResource.class, method(ProjectsResource.class, "revokeStorageKey")))
                .isEqualTo("/api/v1/projects/{projectId}/storage-keys/{accessKeyId}");
        assertThat(routes.route("/api/v1/", BucketsResource.class, method(BucketsResource.class, "get")))
                .isEqualTo("/api/v1/storage/buckets/{bucketId}");
        assertThat(routes.route("/api/v1/", WebhooksResource.class, method(WebhooksResource.class, "deliveries")))
                .isEqualTo("/api/v1/workspaces/{wsId}/webhooks/{webhookId}/deliveries");
    }

    /** As a CDI container's proxy of a request-scoped resource looks: a subclass without annotations. */
    static class ProxyOfDatabasesResource extends DatabasesResource {
    }

    @Test
    void aProxySubclassHasItsResourcesRoute() {
        assertThat(new RouteTemplates().route("/api/v1/", ProxyOfDatabasesResource.class, method(DatabasesResource.class, "get")))
                .isEqualTo("/api/v1/workspaces/{wsId}/databases/{dbId}");
    }

    @Test
    void nothingMatchedIsUnmatched() {
        RouteTemplates routes = new RouteTemplates();
        assertThat(routes.route("/api/v1/", null, null)).isEqualTo("unmatched");
        assertThat(routes.route("/api/v1/", DatabasesResource.class, null)).isEqualTo("unmatched");
    }

    @Path("/things/{thingId: [a-z]+_[0-9a-z]{26}}/")
    static class Regexes {
        @GET
        @Path("/parts/{ part : .+ }/")
        public String part() {
            return "";
        }

        @GET
        public String all() {
            return "";
        }
    }

    @Test
    void regularExpressionsAndSlashesAreLeftOut() {
        assertThat(RouteTemplates.of("/api/v1/", Regexes.class, method(Regexes.class, "part"))).isEqualTo("/api/v1/things/{thingId}/parts/{part}");
        assertThat(RouteTemplates.of("/api/v1/", Regexes.class, method(Regexes.class, "all"))).isEqualTo("/api/v1/things/{thingId}");
        assertThat(RouteTemplates.of("/", Regexes.class, method(Regexes.class, "all"))).isEqualTo("/things/{thingId}");
    }
}
