"""dyssync: echocardiographic dyssynchrony analysis (time to peak systolic
velocity in 12 LV segments, the Yu index and its relatives, strain and
myocardial-work indices) from Python, over the dyssync C library.

    >>> import dyssync
    >>> r = dyssync.analyze("testdata/studies/lbbb_single.csv", lowpass=25)
    >>> r.indices["ts_sd_12_ms"]

See docs/python.md.
"""

from . import stats
from ._lib import Error, _check_version, library_path, library_version
from .batch import BatchTables, batch, read_batch
from .core import Recording, Result, Study, analyze, plot

__version__ = "0.1.0"
_check_version(library_version(), __version__)

__all__ = ["Error", "Recording", "Result", "Study", "BatchTables", "analyze", "batch",
           "read_batch", "plot", "stats", "library_path", "library_version", "__version__"]
