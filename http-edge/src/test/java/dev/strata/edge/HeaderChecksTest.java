package dev.strata.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderChecksTest {

    @Test
    void aHostIsAHostNameWithAnOptionalPort() {
        for (String ok : new String[] {"localhost", "127.0.0.1:8080", "strata.example.com", "H", "[::1]:8080", "[::1]", "host:", "xn--bcher-kva.example"}) {
            assertThat(HeaderChecks.problem(ok, null, "/api/v1/projects")).as(ok).isNull();
        }
        assertThat(HeaderChecks.problem(null, null, "/")).isNull(); // HTTP/1.0 without Host: the default server
        assertThat(HeaderChecks.problem("", null, "/api/v1/projects")).contains("empty");
        assertThat(HeaderChecks.problem("  ", null, "/")).contains("empty");
        // a folded line joined to the Host line by the codec
        assertThat(HeaderChecks.problem("127.0.0.1:28080 folded: continuation", null, "/api/v1/projects")).contains("not a host name");
        assertThat(HeaderChecks.problem("a/b", null, "/")).isNotNull();
        assertThat(HeaderChecks.problem("h:80:80", null, "/")).isNotNull();
        assertThat(HeaderChecks.problem("h:123456", null, "/")).isNotNull();
    }

    @Test
    void theDashboardsAcceptHasValidQualityValues() {
        assertThat(HeaderChecks.problem("h", "*/*;q=x", "/login.xhtml")).contains("quality value");
        assertThat(HeaderChecks.problem("h", "text/html, */*; q=1.5", "/")).contains("quality value");
        assertThat(HeaderChecks.problem("h", "text/html;q=", "/")).contains("quality value");
        assertThat(HeaderChecks.problem("h", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/")).isNull();
        assertThat(HeaderChecks.problem("h", "text/html; Q=1.000, */*;q=0", "/")).isNull();
        assertThat(HeaderChecks.problem("h", ";;", "/login.xhtml")).contains("media ranges");
        assertThat(HeaderChecks.problem("h", "text/html;;", "/login.xhtml")).contains("name and value");
        assertThat(HeaderChecks.problem("h", "html", "/")).contains("media ranges");
        assertThat(HeaderChecks.problem("h", "text/html, , */*", "/")).isNull();
        assertThat(HeaderChecks.problem("h", "text/html;level=1", "/")).isNull();
        assertThat(HeaderChecks.problem("h", "*/*;q=x", "/api/v1/projects")).isNull(); // the API's own answer
    }

    @Test
    void aMultipartBodyToTheDashboardHasABoundary() {
        assertThat(HeaderChecks.problem("h", null, "multipart/form-data", "/login.xhtml")).contains("boundary");
        assertThat(HeaderChecks.problem("h", null, "multipart/form-data; boundary=", "/login.xhtml")).contains("boundary");
        assertThat(HeaderChecks.problem("h", null, "multipart/form-data; boundary=\"\"", "/")).contains("boundary");
        assertThat(HeaderChecks.problem("h", null, "multipart/form-data; boundary=abc", "/login.xhtml")).isNull();
        assertThat(HeaderChecks.problem("h", null, "Multipart/Form-Data;BOUNDARY=\"a b\"", "/")).isNull();
        assertThat(HeaderChecks.problem("h", null, "multipart/form-data", "/api/v1/projects")).isNull(); // the API's 415
    }

    @Test
    void prometheusScrapesMetricsWithItsOwnAccept() {
        // Prometheus 2 and 3 (with its UTF-8 escaping parameter): passed on to /metrics, which picks OpenMetrics
        assertThat(HeaderChecks.problem("h", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "/metrics")).isNull();
        assertThat(HeaderChecks.problem("h", "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2", "/metrics")).isNull();
    }
}
