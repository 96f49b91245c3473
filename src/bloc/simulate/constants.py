"""Every constant of the simulator, in one place.

Each was set from the treaty texts, the reference articles and the
codebook before the back-test it is judged by was run; none is fitted to a
case. docs/simulation.md says how each was chosen.
"""

from __future__ import annotations

from bloc.measures.signals import RIVAL_FACTOR

# Members' support for the requester.
OBLIGATION = 0.3  # a defence provision in force that covers the threat is invoked
REGIME_PROTECTION = 0.4  # autocracies' shared interest against unrest at home
AT_WAR = 0.6  # the leading state's forces tied down elsewhere
WAR_LOOKBACK_DAYS = 730  # a war counts as going on for two years after its last reported attack
# Ties with the aggressor weigh on sending forces against it: a friendly tie
# of score t takes t off, a hostile one adds half of |t| (the asymmetry of
# the old "relations with the aggressor" factor, kept).
FRIENDLY_TIE = 1.0
HOSTILE_TIE = 0.5
# A member's ties with the aggressor's allies count half as much as with the
# aggressor itself, as conduct toward the leader's rivals does in alignment.
ALLY_SHARE = RIVAL_FACTOR

# Stances: thresholds on support plus noise.
FORCES_AT = 0.5  # support at which a member sends forces
POLITICAL_AT = -0.3  # ... backs political measures ("political measures first")
OPPOSE_BELOW = -0.8  # ... opposes (blocks a consensus)
NOISE = 0.35  # what the measures miss, per member and draw
SHARED_NOISE = 0.15  # the mood of the moment, common to all members in a draw

# The record: the members' forecast counts as this many precedents when the
# alliance's own earlier answers to the same request are added to it.
MODEL_WEIGHT = 1.0
