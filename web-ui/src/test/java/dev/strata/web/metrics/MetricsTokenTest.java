package dev.strata.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTokenTest {

    private static final Optional<String> TOKEN = Optional.of("s3cr3t-scrape-token");

    @Test
    void noTokenSetLetsEveryScrapeIn() {
        assertThat(MetricsToken.admits(Optional.empty(), null)).isTrue();
        assertThat(MetricsToken.admits(Optional.empty(), "Bearer anything")).isTrue();
    }

    @Test
    void aSetTokenNeedsExactlyThatBearerToken() {
        assertThat(MetricsToken.admits(TOKEN, "Bearer s3cr3t-scrape-token")).isTrue();
        assertThat(MetricsToken.admits(TOKEN, "bearer s3cr3t-scrape-token")).isTrue(); // the scheme is case-insensitive
        assertThat(MetricsToken.admits(TOKEN, "BEARER  s3cr3t-scrape-token ")).isTrue();
        assertThat(MetricsToken.admits(TOKEN, null)).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "Bearer ")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "Bearer")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "Bearer s3cr3t-scrape-toke")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "Bearer s3cr3t-scrape-token2")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "Bearer S3CR3T-SCRAPE-TOKEN")).isFalse(); // the token itself is not
        assertThat(MetricsToken.admits(TOKEN, "Basic czNjcjN0LXNjcmFwZS10b2tlbg==")).isFalse();
        assertThat(MetricsToken.admits(TOKEN, "s3cr3t-scrape-token")).isFalse();
    }
}
