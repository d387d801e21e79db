"""Password hashing: Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1).

Django's own Argon2 defaults (100 MiB, 8 lanes) and PBKDF2 at 1,000,000 rounds both cost most of
a second of CPU per login on a small server, so a crowd logging in at the deadline queues behind
the hashing. OWASP's Argon2id setting is memory-hard (a GPU or ASIC gains far less against it than
against PBKDF2) and takes a few tens of milliseconds. The algorithm name stays "argon2": a hash
made with other parameters is re-hashed with these at its next login (Django's must_update).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
