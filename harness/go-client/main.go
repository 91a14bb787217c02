// Command compat drives an ESS/SLB endpoint with Alibaba's classic Go SDK
// (github.com/aliyun/alibaba-cloud-sdk-go), unchanged: typed requests from services/ess and
// services/slb, typed response decoding, and CommonRequest for versions the typed packages lack.
//
// It reads a JSON array of calls on stdin and prints one JSON result per call on stdout:
//
//	compat -endpoint 127.0.0.1:8080 -key ID -secret SECRET < calls.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ess"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
)

// Call is one request: a typed action ("ess.AttachVServerGroups") or, with Version set, a
// CommonRequest to Product/Action at that version.
type Call struct {
	Name    string          `json:"name"`
	Action  string          `json:"action"`
	Product string          `json:"product,omitempty"`
	Version string          `json:"version,omitempty"`
	Format  string          `json:"format,omitempty"`
	Method  string          `json:"method,omitempty"`
	Secret  string          `json:"secret,omitempty"`
	Request json.RawMessage `json:"request"`
}

// Result is what the SDK made of the answer.
type Result struct {
	Name       string `json:"name"`
	OK         bool   `json:"ok"`
	HTTPStatus int    `json:"httpStatus"`
	// How the request went and the answer came, to show the SDK did what was asked.
	Method      string          `json:"method"`
	ContentType string          `json:"contentType"`
	Response    json.RawMessage `json:"response,omitempty"`
	Code        string          `json:"code,omitempty"`
	Message     string          `json:"message,omitempty"`
	Recommend   string          `json:"recommend,omitempty"`
	Error       string          `json:"error,omitempty"`
}

type typed func() (requests.AcsRequest, responses.AcsResponse)

var actions = map[string]typed{
	"ess.AttachVServerGroups": func() (requests.AcsRequest, responses.AcsResponse) {
		return ess.CreateAttachVServerGroupsRequest(), ess.CreateAttachVServerGroupsResponse()
	},
	"ess.DetachVServerGroups": func() (requests.AcsRequest, responses.AcsResponse) {
		return ess.CreateDetachVServerGroupsRequest(), ess.CreateDetachVServerGroupsResponse()
	},
	"ess.DescribeScalingGroups": func() (requests.AcsRequest, responses.AcsResponse) {
		return ess.CreateDescribeScalingGroupsRequest(), ess.CreateDescribeScalingGroupsResponse()
	},
	"slb.DescribeLoadBalancerAttribute": func() (requests.AcsRequest, responses.AcsResponse) {
		return slb.CreateDescribeLoadBalancerAttributeRequest(), slb.CreateDescribeLoadBalancerAttributeResponse()
	},
	"slb.DescribeLoadBalancers": func() (requests.AcsRequest, responses.AcsResponse) {
		return slb.CreateDescribeLoadBalancersRequest(), slb.CreateDescribeLoadBalancersResponse()
	},
	"slb.DescribeVServerGroups": func() (requests.AcsRequest, responses.AcsResponse) {
		return slb.CreateDescribeVServerGroupsRequest(), slb.CreateDescribeVServerGroupsResponse()
	},
	"slb.DescribeVServerGroupAttribute": func() (requests.AcsRequest, responses.AcsResponse) {
		return slb.CreateDescribeVServerGroupAttributeRequest(), slb.CreateDescribeVServerGroupAttributeResponse()
	},
}

func run(endpoint, key, secret string, c Call) Result {
	result := Result{Name: c.Name}
	if c.Secret != "" {
		secret = c.Secret
	}
	client, err := sdk.NewClientWithAccessKey("cn-hangzhou", key, secret)
	if err != nil {
		result.Error = err.Error()
		return result
	}
	var request requests.AcsRequest
	var response responses.AcsResponse
	if c.Version != "" {
		common := requests.NewCommonRequest()
		common.Product, common.Version, common.ApiName = c.Product, c.Version, c.Action
		var params map[string]string
		if err := json.Unmarshal(c.Request, &params); err != nil {
			result.Error = err.Error()
			return result
		}
		common.QueryParams = params
		common.TransToAcsRequest()
		request, response = common, responses.NewCommonResponse()
	} else {
		make, ok := actions[c.Action]
		if !ok {
			result.Error = "unknown action " + c.Action
			return result
		}
		request, response = make()
		// The typed request's exported fields (ScalingGroupId, VServerGroup, ...) take the JSON as is.
		if err := json.Unmarshal(c.Request, request); err != nil {
			result.Error = err.Error()
			return result
		}
	}
	request.SetDomain(endpoint)
	request.SetScheme(requests.HTTP)
	// AcceptFormat and Method are plain fields of the SDK's request; a user sets them directly.
	options, _ := json.Marshal(struct {
		AcceptFormat string `json:",omitempty"`
		Method       string `json:",omitempty"`
	}{c.Format, c.Method})
	if err := json.Unmarshal(options, request); err != nil {
		result.Error = err.Error()
		return result
	}
	err = client.DoAction(request, response)
	result.HTTPStatus = response.GetHttpStatus()
	result.Method = request.GetMethod()
	if types := response.GetHttpHeaders()["Content-Type"]; len(types) > 0 {
		result.ContentType = types[0]
	}
	var serverErr *sdkerrors.ServerError
	if errors.As(err, &serverErr) {
		result.Code, result.Message, result.Recommend = serverErr.ErrorCode(), serverErr.Message(), serverErr.Recommend()
		result.HTTPStatus = serverErr.HttpStatus()
		return result
	}
	if err != nil {
		result.Error = err.Error()
		return result
	}
	result.OK = true
	if common, ok := response.(*responses.CommonResponse); ok {
		result.Response = json.RawMessage(fmt.Sprintf("%q", common.GetHttpContentString()))
	} else {
		// What the typed structs decoded, re-encoded: fields the answer lacked show as zero values.
		result.Response, _ = json.Marshal(response)
	}
	return result
}

func main() {
	endpoint := flag.String("endpoint", "", "host:port of the API")
	key := flag.String("key", "", "AccessKeyId")
	secret := flag.String("secret", "", "AccessKeySecret")
	flag.Parse()
	var calls []Call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, "reading calls:", err)
		os.Exit(2)
	}
	results := make([]Result, 0, len(calls))
	for _, c := range calls {
		results = append(results, run(*endpoint, *key, *secret, c))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(results); err != nil {
		os.Exit(2)
	}
}
