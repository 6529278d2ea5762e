"""mynacheck: does the 利用者証明用電子証明書 on this My Number Card work?"""

__version__ = "0.1.0"
