package dev.strata.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/v1/projects", "/api/v1/projects/proj_01abc/wake", "/api/v1/databases?projectId=p&page=2",
            "/api/v1/x%20y", "/api/v1/%E2%80%AE", "/api/v1/%F0%9F%92%A3", "/?a=b%2Fc&d=%c3%a9", "*", "/a;jsessionid=1",
            "/api/v1/..%2F..%2Fetc", "/api/v1/projects/a%3Bb", "/api/v1/projects?x=a;b", "/databases/detail.xhtml?id=db_1&x=|{}^`", "/a/.hidden", "/a/...", "/a/b.", "/?next=/x/../y"})
    void takesWellFormedTargets(String target) {
        assertThat(RequestTarget.problem(target)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/projects/%zz/wake", "/%", "/%2", "/%g0", "/?x=%zz", "/?%=1", "/%00", "/?q=a%00b",
            "/%c3%28", "/%ff", "/%ed%a0%80", "/%c0%af", "/a b", "/a\tb", "/\u0000", "/\u00c3\u0028", "/\u00e9", "/a\u007f", "", "HTTP/1.1", "api/v1/projects",
            "/api/v1/projects/.", "/api/v1/workspaces/.?page=1", "/api/v1/../../etc/passwd", "/api/v1/projects/./x", "/api/v1/%2e%2E/x",
            "/api/v1/projects/..;x=1/y", "/.", "/api/v1/workspaces/ws_1/databases/;jsessionid=1/status", "/api/v1/projects;jsessionid=1",
            "/api;x=1/v1/projects", "/api/v1/projects/proj_1;v=2?x=1"})
    void refusesMalformedTargetsWithAReason(String target) {
        assertThat(RequestTarget.problem(target)).isNotBlank().startsWith("the request target");
    }
}
