/** Reading request bodies: JSON objects with typed fields, every type error named by its field. */
package dev.strata.api.json;
