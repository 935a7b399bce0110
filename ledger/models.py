"""The tamper-evident change log: append-only Merkle trees over the history rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogTree(models.Model):
    """One append-only Merkle tree: an organisation's public or internal history, or the
    installation's (history rows that belong to no organisation).

    Its row holds the current head (size, root) and the right frontier that appends extend;
    appending locks this row, so each tree grows in one order while other trees grow beside it.
    """

    class Scope(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        INTERNAL = "internal", _("intern")
        INSTALLATION = "installation", _("Installation")

    scope = models.CharField(_("Bereich"), max_length=20, choices=Scope.choices)
    # No foreign key: the log outlives everything it records, its organisation included.
    organisation_id = models.BigIntegerField(_("Organisation (ID)"), null=True, blank=True)
    size = models.BigIntegerField(_("Anzahl Einträge"), default=0)
    root = models.BinaryField(_("Wurzel"), max_length=32)
    frontier = models.BinaryField(_("rechter Rand"), default=b"")
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Protokollbaum")
        verbose_name_plural = _("Protokollbäume")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "organisation_id"], name="logtree_unique_scope_organisation"
            ),
            models.UniqueConstraint(
                fields=["scope"],
                condition=models.Q(organisation_id__isnull=True),
                name="logtree_unique_installation",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="installation", organisation_id__isnull=True)
                | (~models.Q(scope="installation") & models.Q(organisation_id__isnull=False)),
                name="logtree_scope_matches_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.log_id

    @property
    def log_id(self) -> str:
        """The tree's name in leaves and signed heads: `<scope>/<organisation id>`."""
        if self.organisation_id is None:
            return "installation"
        return f"{self.scope}/{self.organisation_id}"


class LogLeaf(models.Model):
    """One history row entered into a tree: where, and the hash of its canonical form."""

    tree = models.ForeignKey(LogTree, on_delete=models.PROTECT, related_name="leaves")
    index = models.BigIntegerField(_("Position"))
    history_model = models.CharField(_("Historienmodell"), max_length=100)
    history_id = models.BigIntegerField(_("Historien-ID"))
    # Secret per leaf: field digests derive their salts from it, so that a leaf reveals a field
    # only where its salt is published (the public download), and nothing of withheld ones.
    salt = models.BinaryField(_("Salz"), max_length=16)
    leaf_hash = models.BinaryField(_("Blatt-Hash"), max_length=32)
    history_date = models.DateTimeField(_("Zeitpunkt der Änderung"))

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        constraints = [
            models.UniqueConstraint(fields=["tree", "index"], name="logleaf_unique_position"),
            models.UniqueConstraint(
                fields=["history_model", "history_id"], name="logleaf_unique_history_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree_id}#{self.index}"


class LogNode(models.Model):
    """The hash of a completed perfect subtree (level ≥ 1): written once, read by proofs."""

    tree = models.ForeignKey(LogTree, on_delete=models.PROTECT, related_name="nodes")
    level = models.PositiveSmallIntegerField(_("Ebene"))
    index = models.BigIntegerField(_("Position"))
    hash = models.BinaryField(_("Hash"), max_length=32)

    class Meta:
        verbose_name = _("Protokollknoten")
        verbose_name_plural = _("Protokollknoten")
        constraints = [
            models.UniqueConstraint(
                fields=["tree", "level", "index"], name="lognode_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree_id}:{self.level}/{self.index}"


class SigningKey(models.Model):
    """A public key the installation has signed tree heads with; kept after rotation."""

    key_id = models.CharField(_("Schlüssel-ID"), max_length=64, unique=True)
    public_key = models.BinaryField(_("öffentlicher Schlüssel (Ed25519)"), max_length=32)
    first_used_at = models.DateTimeField(_("erstmals verwendet"))
    last_used_at = models.DateTimeField(_("zuletzt verwendet"))

    class Meta:
        ordering = ["-first_used_at"]
        verbose_name = _("Signaturschlüssel")
        verbose_name_plural = _("Signaturschlüssel")

    def __str__(self) -> str:
        return self.key_id


class SignedTreeHead(models.Model):
    """A tree's size and root at a moment, signed with the installation's Ed25519 key."""

    tree = models.ForeignKey(LogTree, on_delete=models.PROTECT, related_name="signed_heads")
    size = models.BigIntegerField(_("Anzahl Einträge"))
    root = models.BinaryField(_("Wurzel"), max_length=32)
    timestamp = models.DateTimeField(_("Zeitpunkt"))
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="signed_heads")
    signature = models.BinaryField(_("Signatur"), max_length=64)
    occasion = models.CharField(_("Anlass"), max_length=200)

    class Meta:
        ordering = ["-timestamp", "-pk"]
        verbose_name = _("signierter Baumkopf")
        verbose_name_plural = _("signierte Baumköpfe")
        indexes = [models.Index(fields=["tree", "-size"], name="sth_tree_size_idx")]

    def __str__(self) -> str:
        return f"{self.tree_id}@{self.size}"

    @property
    def timestamp_ms(self) -> int:
        """The timestamp as the signed message carries it: milliseconds since the epoch."""
        return round(self.timestamp.timestamp() * 1000)
