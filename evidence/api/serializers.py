"""The API's representation of documents and the multipart bodies that upload them."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from evidence import targets
from evidence.models import Document, DocumentVersion


class DocumentVersionSerializer(serializers.ModelSerializer[DocumentVersion]):
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "evidence_date",
            "reason",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, version: DocumentVersion) -> str:
        path = reverse(
            "evidence-api:document-version-file", args=[version.document_id, version.number]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocumentSerializer(serializers.ModelSerializer[Document]):
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "organisation",
            "use_case",
            "target_kind",
            "target_id",
            "title",
            "category",
            "is_published",
            "published_at",
            "created_at",
            "versions",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer[Any]):
    """A multipart body: the file and why it is uploaded."""

    file = serializers.FileField(allow_empty_file=True, use_url=False)
    evidence_date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class DocumentUploadSerializer(UploadSerializer):
    """A new document: its target, title and category, with its first file."""

    target_kind = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1, max_value=10**18 - 1)
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Document.Category.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds are declared in the apps' ready(), after this module is imported.
        field = self.fields["target_kind"]
        assert isinstance(field, serializers.ChoiceField)
        field.choices = [(kind.key, str(kind.label)) for kind in targets.all_kinds()]
