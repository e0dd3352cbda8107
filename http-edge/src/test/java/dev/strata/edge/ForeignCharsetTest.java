package dev.strata.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForeignCharsetTest {

    @Test
    void theDashboardReadsUtf8Only() {
        assertThat(ProblemAnswers.foreignCharset("application/x-www-form-urlencoded; charset=utf-16", "/login.xhtml")).isEqualTo("'utf-16'");
        assertThat(ProblemAnswers.foreignCharset("text/plain;CHARSET=\"UTF-32\"", "/")).isEqualTo("'UTF-32'");
        assertThat(ProblemAnswers.foreignCharset("application/json; charset=nonsense", "/projects.xhtml")).isEqualTo("'nonsense'");
        assertThat(ProblemAnswers.foreignCharset("text/plain; charset=a\u0001x", "/")).isEqualTo("'a?x'");
    }

    @Test
    void utf8AndNoCharsetPass() {
        assertThat(ProblemAnswers.foreignCharset("application/x-www-form-urlencoded", "/login.xhtml")).isNull();
        assertThat(ProblemAnswers.foreignCharset("application/x-www-form-urlencoded; charset=UTF-8", "/login.xhtml")).isNull();
        assertThat(ProblemAnswers.foreignCharset("text/plain; charset=\"utf-8\"", "/")).isNull();
        assertThat(ProblemAnswers.foreignCharset(null, "/")).isNull();
    }

    @Test
    void theApiAnswersForItselfAfterTheKeyCheck() {
        assertThat(ProblemAnswers.foreignCharset("application/json; charset=utf-16", "/api/v1/projects")).isNull();
        assertThat(ProblemAnswers.foreignCharset("application/json; charset=utf-16", "/api")).isNull();
        assertThat(ProblemAnswers.foreignCharset("application/json; charset=utf-16", "/apix")).isEqualTo("'utf-16'");
    }
}
