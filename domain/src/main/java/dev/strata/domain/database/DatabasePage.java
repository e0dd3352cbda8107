package dev.strata.domain.database;

import java.util.List;

/** One page of databases and the total that matched. */
public record DatabasePage(List<Database> items, long total, int page, int limit) {

    public int totalPages() {
        return (int) ((total + limit - 1) / limit);
    }
}
