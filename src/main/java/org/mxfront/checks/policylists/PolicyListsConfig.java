// Settings of the policy-lists check: none yet beyond enabled and mode; the lists themselves live
// in the policy store (`policy-store:`), changed through the API and the CLI.
package org.mxfront.checks.policylists;

/** No settings: the store's lists are the data. */
public record PolicyListsConfig() {}
