from django.contrib import admin

from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionEvidence,
    AdoptionStageChange,
    Answer,
    EventMaterial,
    EventSession,
    FeaturedPractice,
    LearningEvent,
    LearningProgramme,
    Notification,
    Question,
    Registration,
)


class StageChangeInline(admin.TabularInline):
    model = AdoptionStageChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "date", "note", "source_url", "changed_by")


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("innovation", "region", "stage", "stage_changed_on")
    list_filter = ("stage",)
    search_fields = ("innovation__title", "region__name")
    raw_id_fields = ("innovation", "region", "organisation", "programme")
    readonly_fields = ("stage", "stage_changed_on", "version")
    inlines = [StageChangeInline]


class EvidenceInline(admin.TabularInline):
    model = AdoptionEvidence
    extra = 0


@admin.register(AdoptionStageChange)
class AdoptionStageChangeAdmin(admin.ModelAdmin):
    list_display = ("adoption", "from_stage", "to_stage", "date", "organisation")
    list_filter = ("to_stage",)
    raw_id_fields = ("adoption", "changed_by", "organisation")
    inlines = [EvidenceInline]


class EventInline(admin.TabularInline):
    model = LearningEvent
    extra = 0
    fields = ("kind", "title", "starts_on", "place", "registration_open")
    show_change_link = True


@admin.register(LearningProgramme)
class LearningProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_on", "ends_on", "focus_region")
    search_fields = ("title", "theme")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("organisers",)
    raw_id_fields = ("focus_region", "created_by")
    inlines = [EventInline]


class SessionInline(admin.TabularInline):
    model = EventSession
    extra = 0


class FeaturedInline(admin.TabularInline):
    model = FeaturedPractice
    extra = 0
    raw_id_fields = ("innovation", "presenter")


class MaterialInline(admin.TabularInline):
    model = EventMaterial
    extra = 0
    readonly_fields = ("content_type", "added_by")


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ("organisation", "user")


@admin.register(LearningEvent)
class LearningEventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_on", "programme", "registration_open")
    list_filter = ("kind", "registration_open")
    search_fields = ("title", "place")
    raw_id_fields = ("programme",)
    inlines = [SessionInline, FeaturedInline, MaterialInline, RegistrationInline]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ("organisation", "innovation", "programme", "created_at")
    search_fields = ("organisation__name", "innovation__title")
    raw_id_fields = ("programme", "event", "organisation", "innovation", "adoption", "created_by")


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ("author", "organisation")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("innovation", "organisation", "created_at")
    raw_id_fields = ("innovation", "author", "organisation")
    inlines = [AnswerInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)
