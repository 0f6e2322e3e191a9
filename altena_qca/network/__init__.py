"""The policy network: actor gazetteer, mentions, partner network, Rhodes model, DNA."""
from .actors import *  # noqa: F401,F403
from .dna import *  # noqa: F401,F403
from .graph import *  # noqa: F401,F403
from .measures import *  # noqa: F401,F403
from .mentions import *  # noqa: F401,F403
from .outputs import *  # noqa: F401,F403
from .rhodes import *  # noqa: F401,F403
