package dev.strata.provisioning.backup;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Shown;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Backup schedules: standard 5-field (Unix) cron expressions, in UTC, read by cron-utils. */
public final class Schedules {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Schedules() {
    }

    /** The expression, checked; a 400 naming {@code schedule} when it is not a 5-field cron expression. */
    public static String valid(String expression) {
        parse(expression);
        return expression.trim().replaceAll("\\s+", " ");
    }

    /** When the schedule fires next after {@code after}. */
    public static Instant next(String expression, Instant after) {
        return ExecutionTime.forCron(parse(expression)).nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                .map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new InvalidInputException("schedule", "schedule " + Shown.quoted(expression) + " never fires"));
    }

    private static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidInputException("schedule", "schedule is required (a 5-field cron expression in UTC, e.g. \"0 3 * * *\")");
        }
        String trimmed = expression.trim();
        if (trimmed.split("\\s+").length != 5 || trimmed.length() > 120) {
            throw new InvalidInputException("schedule", "schedule must be a 5-field cron expression (minute hour day-of-month month "
                    + "day-of-week, UTC), e.g. \"0 3 * * *\" (got " + Shown.quoted(expression) + ")");
        }
        try {
            Cron cron = PARSER.parse(trimmed);
            cron.validate();
            return cron;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("schedule", "schedule is not a valid cron expression (" + Shown.text(e.getMessage())
                    + "; got " + Shown.quoted(expression) + ")");
        }
    }
}
