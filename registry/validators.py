from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_leika_key = RegexValidator(
    regex=r"^\d{14}\Z",
    message=_("Ein LeiKa-Schlüssel besteht aus genau 14 Ziffern."),
    code="invalid_leika_key",
)
