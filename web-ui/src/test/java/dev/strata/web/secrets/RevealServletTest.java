package dev.strata.web.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.provisioning.secrets.SecretReveals.DatabaseField;
import org.junit.jupiter.api.Test;

class RevealServletTest {

    @Test
    void onlyTheDashboardsOwnOriginMayAsk() {
        assertThat(RevealServlet.sameOrigin("same-origin", "http://127.0.0.1:8080", "127.0.0.1:8080", "http")).isTrue();
        assertThat(RevealServlet.sameOrigin(null, "http://127.0.0.1:8080", "127.0.0.1:8080", "http")).isTrue();
        assertThat(RevealServlet.sameOrigin("same-origin", null, "127.0.0.1:8080", "http")).isTrue();
        // behind a proxy that ends TLS the page's origin is https, the request http
        assertThat(RevealServlet.sameOrigin("same-origin", "https://strata.example.com", "strata.example.com", "http")).isTrue();

        assertThat(RevealServlet.sameOrigin("cross-site", "http://127.0.0.1:8080", "127.0.0.1:8080", "http")).isFalse();
        assertThat(RevealServlet.sameOrigin("same-site", "http://127.0.0.1:8080", "127.0.0.1:8080", "http")).isFalse();
        assertThat(RevealServlet.sameOrigin(null, "http://evil.example", "127.0.0.1:8080", "http")).isFalse();
        assertThat(RevealServlet.sameOrigin(null, "http://127.0.0.1:9999", "127.0.0.1:8080", "http")).isFalse();
        assertThat(RevealServlet.sameOrigin(null, "null", "127.0.0.1:8080", "http")).isFalse();
        assertThat(RevealServlet.sameOrigin(null, null, "127.0.0.1:8080", "http")).as("says nothing").isFalse();
    }

    @Test
    void referencesNameADatabaseFieldOrAProjectVariable() {
        assertThat(SecretRef.parse("database:db_01abc:password")).contains(new SecretRef.Database("db_01abc", DatabaseField.PASSWORD));
        assertThat(SecretRef.parse("database:db_01abc:tlsUri")).contains(new SecretRef.Database("db_01abc", DatabaseField.TLS_URI));
        assertThat(SecretRef.parse("project:proj_1:env:STORAGE_SECRET")).contains(new SecretRef.ProjectVariable("proj_1", "STORAGE_SECRET"));
        assertThat(SecretRef.parse("database:db_01abc:password").orElseThrow().text()).isEqualTo("database:db_01abc:password");
        assertThat(SecretRef.parse("database:db_01abc:cpu")).isEmpty();
        assertThat(SecretRef.parse("database:../x:password")).isEmpty();
        assertThat(SecretRef.parse("project:proj_1:env:A B")).isEmpty();
        assertThat(SecretRef.parse(null)).isEmpty();
        assertThat(SecretRef.parse("")).isEmpty();
    }
}
