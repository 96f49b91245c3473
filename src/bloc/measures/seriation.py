"""An order of an alliance's members that puts those with alike relations side by side.

A relations matrix of 31 members in alphabetical order scatters the blocks a
reader looks for (the members hostile to one another, the ones friendly with
everyone); ordered by the leaves of an average-linkage clustering of their
relation profiles the blocks sit on the diagonal. Written with numpy alone
(the matrix is a few dozen rows; scipy is not a dependency), deterministic:
ties merge in alphabetical order, so members with no relations at all keep
their alphabetical order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def seriate(matrix: pd.DataFrame) -> list[str]:
    """The members of a symmetric relation matrix (NaN: no events) in clustered order.

    Each member's profile is its row, a missing relation read as 0 (neutral), its
    own cell as the largest relation found;
    clusters merge by the smallest mean Euclidean distance between profiles,
    and each merge joins the two leaf orders at their closest ends.
    """
    labels = sorted(str(c) for c in matrix.index)
    n = len(labels)
    if n < 3:
        return labels
    values = matrix.reindex(index=labels, columns=labels).to_numpy(dtype=float)
    profile = np.nan_to_num(values, nan=0.0)
    # A member is as friendly with itself as the friendliest pair (the diagonal of a
    # correlation matrix): friends then share profiles, foes are set apart.
    np.fill_diagonal(profile, max(float(np.abs(profile).max()), 1e-9))
    distance = np.sqrt(((profile[:, None, :] - profile[None, :, :]) ** 2).sum(axis=-1))
    clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(clusters) > 1:
        keys = sorted(clusters)
        best: tuple[float, int, int] | None = None
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                d = float(distance[np.ix_(clusters[a], clusters[b])].mean())
                if best is None or d < best[0] - 1e-12:
                    best = (d, a, b)
        assert best is not None
        _, a, b = best
        left, right = clusters.pop(a), clusters.pop(b)
        joins = [
            left + right,
            left + right[::-1],
            left[::-1] + right,
            left[::-1] + right[::-1],
        ]
        # The join whose meeting ends are closest; the first on a tie (alphabetical).
        gap = [distance[j[len(left) - 1], j[len(left)]] for j in joins]
        clusters[a] = joins[int(np.argmin(gap))]
    (order,) = clusters.values()
    return [labels[i] for i in order]
