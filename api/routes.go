package api

import "github.com/gin-gonic/gin"

// routes lists every route of the API. The OpenAPI document (openapi.json)
// must list the same ones: TestOpenAPIMatchesRoutes walks both.
func (s *server) routes(e *gin.Engine) {
	w := func(h handlerFunc) gin.HandlerFunc { return wrap(s.log, h) }

	e.GET("/", w(s.handleWebIndex()))
	e.GET("/healthz", w(s.handleHealthz()))
	e.GET("/readyz", w(s.handleReadyz()))
	e.GET("/metrics", gin.WrapH(s.metrics.handler()))
	e.GET("/openapi.json", w(s.handleOpenAPI()))

	v1 := e.Group("/v1")
	v1.POST("/session", w(s.handleSignIn()))
	v1.GET("/session", w(s.handleWhoAmI()))
	v1.DELETE("/session", w(s.handleSignOut()))
	v1.POST("/checks", w(s.handleCheck()))

	v1.POST("/proposals", w(s.handleSubmit()))
	v1.GET("/proposals", w(s.handleListProposals()))
	v1.GET("/proposals.geojson", w(s.handleProposalsGeoJSON()))
	v1.GET("/proposals/:id", w(s.handleGetProposal()))
	v1.GET("/proposals/:id/assessment", w(s.handleGetAssessment()))
	v1.GET("/proposals/:id/report", w(s.handleReportJSON()))
	v1.GET("/proposals/:id/report.html", w(s.handleReportHTML()))
	v1.GET("/proposals/:id/findings.geojson", w(s.handleFindingsGeoJSON()))
	v1.GET("/proposals/:id/coverage", w(s.handleProposalCoverage()))
	v1.GET("/proposals/:id/case", w(s.handleGetCase()))
	v1.POST("/proposals/:id/actions", w(s.handleCaseAction()))
	v1.POST("/proposals/:id/signatures", w(s.handleSign()))
	v1.POST("/proposals/:id/decisions", w(s.handleDecide()))
	v1.POST("/proposals/:id/comments", w(s.handleAddComment()))
	v1.GET("/proposals/:id/comments", w(s.handleListComments()))
	v1.POST("/proposals/:id/attachments", w(s.handleUpload()))
	v1.GET("/proposals/:id/attachments", w(s.handleListAttachments()))
	v1.GET("/proposals/:id/attachments/:aid", w(s.handleDownload()))
	v1.POST("/proposals/:id/conditions/:cid", w(s.handleCondition()))
	v1.GET("/proposals/:id/decision-letter.html", w(s.handleDecisionLetter()))
	v1.GET("/cases", w(s.handleListCases()))

	v1.POST("/webhooks", w(s.handleCreateWebhook()))
	v1.GET("/webhooks", w(s.handleListWebhooks()))
	v1.DELETE("/webhooks/:id", w(s.handleDeleteWebhook()))
	v1.GET("/webhooks/:id/deliveries", w(s.handleWebhookDeliveries()))
	v1.POST("/areas-of-interest", w(s.handleCreateArea()))
	v1.GET("/areas-of-interest", w(s.handleListAreas()))
	v1.DELETE("/areas-of-interest/:id", w(s.handleDeleteArea()))
	v1.GET("/decisions", w(s.handleListDecisions()))
	v1.GET("/decisions/:id", w(s.handleGetDecision()))

	v1.POST("/coverage", w(s.handleComputeCoverage()))
	// As for layers, "{id}.geojson", "{id}.tif" and "{id}.png" come whole
	// as :id and the handler splits off the suffix.
	v1.GET("/coverage/:id", w(s.handleCoverage()))
	v1.GET("/coverage/:id/legend.png", w(s.handleCoverageLegend()))

	v1.GET("/sites", w(s.handleListSites()))
	v1.POST("/sites", w(s.handleImportSites()))

	v1.POST("/gap-analyses", w(s.handleStartGaps()))
	v1.GET("/gap-analyses", w(s.handleListGaps()))
	v1.GET("/gap-analyses/:id", w(s.handleGetGaps()))
	v1.GET("/gap-analyses/:id/villages", w(s.handleGapVillages()))
	v1.GET("/gap-analyses/:id/villages.geojson", w(s.handleGapVillagesGeoJSON()))
	v1.GET("/gap-analyses/:id/gaps.geojson", w(s.handleGapAreasGeoJSON()))
	v1.POST("/gap-analyses/:id/cancel", w(s.handleCancelGaps()))
	v1.POST("/gap-lists", w(s.handleImportGapList()))

	v1.POST("/site-searches", w(s.handleStartSearch()))
	v1.GET("/site-searches", w(s.handleListSearches()))
	v1.GET("/site-searches/:id", w(s.handleGetSearch()))
	v1.GET("/site-searches/:id/locations.geojson", w(s.handleSearchLocations()))
	v1.POST("/site-searches/:id/locations/:rank/adopt", w(s.handleAdoptLocation()))
	v1.POST("/site-searches/:id/cancel", w(s.handleCancelSearch()))

	v1.GET("/layers", w(s.handleListLayers()))
	v1.POST("/layers", w(s.handleImportLayer()))
	// gin cannot match a parameter followed by a suffix, so the handler
	// takes "name.geojson" whole and strips the suffix.
	v1.GET("/layers/:file", w(s.handleLayerGeoJSON()))
}
